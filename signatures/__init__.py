"""The stalkerware database shipped with the scanner (data only; read by ``scanner.sigdb``).

A package so that the database and its manifest ship inside the wheel and are found with
``importlib.resources`` wherever the scanner is installed.
"""
