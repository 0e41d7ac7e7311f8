"""template.yaml as data: loaded, its ``Fn::ForEach`` loops expanded, its intrinsics resolved.

The local stack and the tests read the resources they create from the template through this
module, so they cannot drift from what ``sam deploy`` creates. It covers what our template
uses: the short-form tags, ``Fn::ForEach`` (in sections and inside properties), and resolving
``Ref``, ``Fn::GetAtt``, ``Fn::Sub`` and ``Fn::ToJsonString`` against known values.
A test checks the expansion against the SAM CLI's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
"""The repository (or the source tree of an editable install)."""
TEMPLATE = ROOT / "template.yaml"

_SHORT_FORMS = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{
        name: f"Fn::{name}"
        for name in [
            "GetAtt",
            "Sub",
            "Join",
            "Select",
            "Split",
            "If",
            "Equals",
            "Not",
            "And",
            "Or",
            "FindInMap",
            "Base64",
            "Cidr",
            "ImportValue",
            "GetAZs",
            "Length",
            "ToJsonString",
            "ForEach",
        ]
    },
}


class _TemplateLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms (``!Ref X``) turned into their long forms."""


def _long_form(function: str) -> Callable[[_TemplateLoader, yaml.Node], dict[str, Any]]:
    def construct(loader: _TemplateLoader, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if function == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {function: value}

    return construct


for _tag, _function in _SHORT_FORMS.items():
    _TemplateLoader.add_constructor(f"!{_tag}", _long_form(_function))


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """The template with every ``Fn::ForEach`` expanded."""
    with path.open(encoding="utf-8") as stream:
        template: dict[str, Any] = yaml.load(stream, Loader=_TemplateLoader)  # noqa: S506
    expanded: dict[str, Any] = expand_for_each(template)
    return expanded


def expand_for_each(node: Any) -> Any:
    """``node`` with each ``Fn::ForEach::Name: [Id, [values...], {fragment}]`` key replaced by
    the fragment once per value, ``${Id}`` and ``&{Id}`` substituted in keys and strings."""
    if isinstance(node, list):
        return [expand_for_each(item) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if isinstance(key, str) and key.startswith("Fn::ForEach::"):
            identifier, collection, fragment = value
            for item in collection:
                result.update(expand_for_each(_substitute(fragment, identifier, item)))
        else:
            result[key] = expand_for_each(value)
    return result


def _substitute(node: Any, identifier: str, value: str) -> Any:
    if isinstance(node, str):
        return node.replace(f"${{{identifier}}}", value).replace(f"&{{{identifier}}}", value)
    if isinstance(node, list):
        return [_substitute(item, identifier, value) for item in node]
    if isinstance(node, dict):
        return {
            _substitute(key, identifier, value): _substitute(item, identifier, value)
            for key, item in node.items()
        }
    return node


def resources_of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, Any]:
    """Logical id -> properties of every resource of ``resource_type``."""
    return {
        name: resource.get("Properties", {})
        for name, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


LOCAL_PSEUDO = {"AWS::Region": "us-east-1", "AWS::StackName": "tilte"}
"""The pseudo parameters of the local stack, whose resources are named ``tilte-<LogicalId>``."""


class Resolver:
    """Resolves intrinsic functions against parameter values and created resources.

    ``refs`` maps a logical id or parameter to what ``Ref`` returns; ``attributes`` maps
    ``(logical id, attribute)`` to what ``Fn::GetAtt`` returns. Parameters not given take
    their ``Default``; the pseudo parameters are the local stack's (:data:`LOCAL_PSEUDO`).
    """

    def __init__(
        self,
        template: Mapping[str, Any],
        refs: Mapping[str, Any] | None = None,
        attributes: Mapping[tuple[str, str], Any] | None = None,
    ) -> None:
        defaults = {
            name: parameter.get("Default")
            for name, parameter in template.get("Parameters", {}).items()
        }
        self.refs: dict[str, Any] = {**LOCAL_PSEUDO, **defaults, **(refs or {})}
        self.attributes: dict[tuple[str, str], Any] = dict(attributes or {})

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((function, argument),) = node.items()
            if function == "Ref":
                return self.refs[self.resolve(argument)]
            if function == "Fn::GetAtt":
                name, attribute = self.resolve(argument)
                return self.attributes[name, attribute]
            if function == "Fn::Sub":
                return self._sub(argument)
            if function == "Fn::ToJsonString":
                return json.dumps(self.resolve(argument), separators=(",", ":"))
        return {key: self.resolve(value) for key, value in node.items()}

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        values = {name: self.resolve(value) for name, value in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return str(values[name])
            if "." in name:
                resource, attribute = name.split(".", 1)
                return str(self.attributes[resource, attribute])
            return str(self.refs[name])

        return re.sub(r"\$\{([^!}][^}]*)\}", replace, text)
