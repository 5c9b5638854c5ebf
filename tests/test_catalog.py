"""The shipped AWS catalog: includable by name, generated from one template, sourced, listable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from blast.catalogs import generate
from blast.loading.catalogs import CATALOG_ROOT, available, catalog_path
from blast.loading.loader import load_graph, validate_files
from blast.model import Scope

ROOT = Path(__file__).resolve().parent.parent
CATALOG = load_graph("catalog:aws")
TYPICAL = [
    "iam.auth",
    "sts",
    "ec2.launch",
    "ec2.instances",
    "alb",
    "nlb",
    "ecs",
    "ecs.tasks",
    "fargate",
    "fargate.tasks",
    "eks",
    "eks.pods",
    "lambda.control-plane",
    "lambda.invoke",
    "lambda.sqs-poller",
    "dynamodb.endpoint",
    "dynamodb.global-table-replica",
    "sqs",
    "sns",
    "s3",
    "apigateway",
    "cognito",
    "kms",
    "secretsmanager",
    "ecr",
    "cloudwatch",
    "identity-center",
]
GLOBAL_ANCHORS = {
    "aws.iam": "us-east-1",
    "aws.sts.global": "us-east-1",
    "aws.organizations": "us-east-1",
    "aws.route53.control-plane": "us-east-1",
    "aws.cloudfront.control-plane": "us-east-1",
    "aws.acm.cloudfront": "us-east-1",
    "aws.signin": "us-east-1",
    "aws.arc.control-plane": "us-west-2",
}


def blast(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "blast", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_generated_files_are_up_to_date():
    assert generate.stale() == [], "run `python -m blast.catalogs.generate`"


@pytest.mark.parametrize("region", [r.region for r in generate.regions()])
def test_every_region_has_the_typical_services(region):
    code = generate.Region(region, "", False).code
    for service in TYPICAL:
        component = CATALOG.components[f"aws.{code}.{service}"]
        assert component.region == region
    assert len(generate.regions()) >= 30


def test_us_east_1_keeps_its_detailed_internals_under_the_old_ids():
    record = CATALOG.components["aws.use1.dynamodb.dns-record"]
    assert record.sources and {d.target for d in record.depends_on} == {
        "aws.route53.data-plane",
        "aws.use1.dynamodb.dns-enactors",
    }
    assert "aws.use1.dynamodb.lb-fleet" in CATALOG.groups
    assert CATALOG.components["aws.use1.ec2.instances"].depends_on == ()


def test_global_services_name_the_region_of_their_control_plane_with_stated_facts():
    for cid, region in GLOBAL_ANCHORS.items():
        component = CATALOG.components[cid]
        assert component.scope is Scope.GLOBAL and component.region == region, cid
        confidences = {f.confidence.value for f in component.facts}
        assert "stated" in confidences, cid
    for cid in ("aws.route53.ns1", "aws.cloudfront.edge", "aws.route53.health-checks"):
        assert CATALOG.components[cid].region == "global"
    # static stability: no data plane of a global service needs its control plane
    assert not {d.target for d in CATALOG.components["aws.cloudfront.edge"].depends_on}


def test_every_edge_is_sourced_or_marked_assumed_and_every_fact_has_a_url():
    for component in CATALOG.components.values():
        for dep in component.depends_on:
            assert dep.sources or dep.assumed, (component.id, dep.target)
        for fact in component.facts:
            urls = [CATALOG.references.get(key, key) for key in fact.sources]
            assert any(u.startswith("https://") for u in urls), (component.id, fact.fact)


def test_every_catalog_id_has_the_reserved_prefix():
    assert all(i.startswith("aws.") for i in (*CATALOG.components, *CATALOG.groups))


def test_names_resolve_inside_the_package():
    assert catalog_path("catalog:aws") == CATALOG_ROOT / "aws" / "index.yaml"
    assert catalog_path("aws/us-west-2").name == "us-west-2.yaml"
    assert "catalog:aws" in available() and "catalog:aws/eu-west-1" in available()
    west = load_graph("catalog:aws/us-west-2")
    assert "aws.usw2.sts" in west.components and "aws.euw1.sts" not in west.components
    assert "aws.iam" in west.components  # the hidden anchors come along


def test_a_user_stack_includes_the_catalog_by_name_from_anywhere(tmp_path):
    stack = tmp_path / "stack.yaml"
    stack.write_text(
        "version: 1\ninclude: [catalog:aws]\ncomponents:\n"
        "  - {id: acme.web, kind: app, region: us-west-2, user_facing: true,\n"
        "     depends_on: [aws.usw2.alb, aws.usw2.dynamodb.endpoint]}\n"
    )
    run = blast("validate", str(stack), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "catalog:aws" in run.stdout


def test_an_unknown_catalog_is_a_located_error_with_a_suggestion(tmp_path):
    stack = tmp_path / "stack.yaml"
    stack.write_text("version: 1\ninclude:\n  - catalog:awz\ncomponents: []\n")
    run = blast("validate", str(stack), cwd=tmp_path)
    assert run.returncode == 2
    assert "stack.yaml:3:5: include[0]: no shipped catalog 'catalog:awz'" in run.stderr
    assert "did you mean catalog:aws" in run.stderr


def test_a_duplicate_of_a_catalog_id_explains_the_prefix_convention(tmp_path):
    stack = tmp_path / "stack.yaml"
    stack.write_text(
        "version: 1\ninclude: [catalog:aws/us-east-1]\ncomponents:\n"
        "  - {id: aws.use1.sqs, kind: queue, region: us-east-1}\n"
    )
    problems = validate_files([stack])
    assert len(problems) == 1
    message = problems[0].message
    assert "duplicate id 'aws.use1.sqs'" in message
    assert "belong to catalog:aws" in message and "'acme.'" in message


def test_catalog_command_lists_ids_with_kind_region_and_description():
    run = blast("catalog", "--search", "sts", "--region", "us-west-2")
    assert run.returncode == 0, run.stderr
    assert "aws.usw2.sts" in run.stdout and "STS regional endpoint" in run.stdout
    assert "aws.usw2.iam.auth" not in run.stdout  # "sts" inside a word does not match
    data = json.loads(blast("catalog", "--search", "cloudfront", "--json").stdout)
    ids = {row["id"]: row for row in data["ids"]}
    edge = ids["aws.cloudfront.edge"]
    assert edge["region"] == "global" and edge["kind"] == "cdn"
    assert all(s.startswith("https://") for f in edge["facts"] for s in f["sources"])
    assert {f["confidence"] for f in edge["facts"]} == {"stated"}
    assert ids["aws.acm.cloudfront"]["region"] == "us-east-1"


def test_catalog_command_lists_groups_and_refuses_unknown_names():
    data = json.loads(blast("catalog", "aws/us-east-1", "--region", "global", "--json").stdout)
    assert {"aws.route53.data-plane", "aws.cloudfront.edge"} <= {r["id"] for r in data["ids"]}
    run = blast("catalog", "azure")
    assert run.returncode == 2 and "no shipped catalog 'catalog:azure'" in run.stderr
