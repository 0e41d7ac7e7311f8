"""Print template.yaml as the SAM CLI and CloudFormation would see it (runs in .venv-sam).

Prints one JSON object: ``expanded`` (the AWS::LanguageExtensions pass, by the SAM CLI's own
code) and ``translated`` (then the AWS::Serverless transform, by aws-sam-translator). The
template tests run this with .venv-sam's Python, because aws-sam-translator pins an older
pydantic than the functions use.
"""

import copy
import json
import os
import sys

from samcli.lib.cfn_language_extensions.sam_integration import expand_language_extensions
from samcli.yamlhelper import yaml_parse
from samtranslator.translator.transform import transform


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def main(path: str) -> None:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # the translator asks; no AWS call
    with open(path, encoding="utf-8") as stream:
        template = yaml_parse(stream.read())
    pseudo = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}
    expanded = expand_language_extensions(template, pseudo, enabled=True).expanded_template
    without_extensions = copy.deepcopy(expanded)
    without_extensions["Transform"] = "AWS::Serverless-2016-10-31"
    for resource in without_extensions["Resources"].values():  # as `sam package` uploads code
        for uri in ("CodeUri", "ContentUri"):
            if isinstance(resource.get("Properties", {}).get(uri), str):
                resource["Properties"][uri] = f"s3://packaged/{resource['Properties'][uri]}"
    translated = transform(without_extensions, pseudo, _NoManagedPolicies())
    json.dump({"expanded": expanded, "translated": translated}, sys.stdout, indent=1, default=str)


if __name__ == "__main__":
    main(sys.argv[1])
