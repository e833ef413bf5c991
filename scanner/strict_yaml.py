"""A YAML safe loader that refuses duplicate keys (plain YAML silently keeps the last)."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it: the same documents, read about ten
# times faster (every run reads the catalogues and guidance it shows).
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_SafeLoader):  # type: ignore[misc]
    """Safe loading, and a duplicate key is an error rather than a silent overwrite."""


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode) -> dict[object, object]:
    loader.flatten_mapping(node)
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    mapping: dict[object, object] = loader.construct_mapping(node)
    return mapping


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
