"""The plain-language texts the scanner shows (data only; read by ``scanner.guidance``).

A package so that the texts ship inside the wheel and are found with
``importlib.resources`` wherever the scanner is installed.
"""
