"""Parse YAML into plain Python values that remember their line numbers, constructing nothing unsafe.

``yaml.compose`` (SafeLoader) builds the node tree with marks; we walk it ourselves. Every node whose
tag is not a plain YAML type (``!!python/object...``, ``!custom``, ``!!binary``, ``!!set``, merge keys)
is reported as a problem with its line and never constructed; so are merge keys (``<<``). Duplicate mapping keys, which PyYAML
silently collapses, are reported too. Aliases are followed with a node budget, so an alias bomb or
a recursive alias is a problem, not a hang.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from surveys.problems import Problem

_YAML = "tag:yaml.org,2002:"
PLAIN_TAGS = frozenset(
    _YAML + name for name in ("null", "bool", "int", "float", "str", "timestamp", "seq", "map")
)
MAX_NODES = 50_000


class LineDict(dict):
    """A mapping from YAML: ``line`` is where it starts, ``key_lines[key]`` where each key is."""

    line: int
    key_lines: dict[Any, int]


class LineList(list):
    """A sequence from YAML: ``line`` is where it starts, ``item_lines[i]`` where each item starts."""

    line: int
    item_lines: list[int]


class Invalid:
    """Stands in for a node that could not be constructed (already reported)."""

    def __repr__(self) -> str:
        return "<invalid>"


INVALID = Invalid()


def short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/object`` as written: ``!!python/object``."""
    return "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag


def _line(node: Node) -> int:
    return node.start_mark.line + 1


class _Walker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.nodes = 0
        self.path: set[int] = set()  # ids of mapping/sequence nodes on the current path
        self.constructor = SafeConstructor()

    def problem(self, line: int, code: str, **params: object) -> None:
        self.problems.append(Problem(self.source, line, code, params))

    def value(self, node: Node) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if self.nodes == MAX_NODES + 1:
                self.problem(_line(node), "too_many_nodes", limit=MAX_NODES)
            return INVALID
        if node.tag == _YAML + "merge":
            self.problem(_line(node), "merge_key")
            return INVALID
        if node.tag not in PLAIN_TAGS:
            self.problem(_line(node), "forbidden_tag", tag=short_tag(node.tag))
            return INVALID
        if isinstance(node, ScalarNode):
            try:
                return self.constructor.construct_object(node)
            except (yaml.YAMLError, ValueError, TypeError) as exc:
                detail = getattr(exc, "problem", None) or type(exc).__name__
                self.problem(_line(node), "yaml_syntax", detail=str(detail))
                return INVALID
        if id(node) in self.path:
            self.problem(_line(node), "recursive_alias")
            return INVALID
        self.path.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return self.sequence(node)
            return self.mapping(node)  # type: ignore[arg-type]
        finally:
            self.path.discard(id(node))

    def sequence(self, node: SequenceNode) -> LineList:
        out = LineList()
        out.line = _line(node)
        out.item_lines = []
        for item in node.value:
            out.append(self.value(item))
            out.item_lines.append(_line(item))
        return out

    def mapping(self, node: MappingNode) -> LineDict:
        out = LineDict()
        out.line = _line(node)
        out.key_lines = {}
        for key_node, value_node in node.value:
            line = _line(key_node)
            if not isinstance(key_node, ScalarNode):
                self.problem(line, "complex_key")
                continue
            key = self.value(key_node)
            if key is INVALID:
                continue
            if key in out.key_lines:
                self.problem(line, "duplicate_key", key=str(key))
                continue
            out[key] = self.value(value_node)
            out.key_lines[key] = line
        return out


def parse(text: str, source: str) -> tuple[Any, list[Problem]]:
    """The YAML document in ``text`` as plain values (LineDict/LineList/scalars) and the problems.

    Returns ``(None, problems)`` when the text is not valid YAML or holds no document.
    """
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # the reader checks for unprintable characters right here
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        detail = exc.problem or exc.context or type(exc).__name__
        return None, [Problem(source, line, "yaml_syntax", {"detail": str(detail)})]
    except yaml.YAMLError as exc:  # the reader refuses a control character: no mark, a position
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 0
        return None, [Problem(source, line, "yaml_syntax", {"detail": "unprintable character"})]
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        return None, [Problem(source, 0, "empty_file", {})]
    walker = _Walker(source)
    return walker.value(root), walker.problems
