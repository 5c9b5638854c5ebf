"""The reference graph of 2025-10-20 says what the post-mortem says (issue 11, static parts).

Each test states one public fact and checks the graph's semantics agree with it, by
failing components with the reference propagation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blast.analysis.propagation import State, propagate
from blast.loading.loader import load_graph
from blast.report import spof_report

ROOT = Path(__file__).resolve().parent.parent
GRAPH = load_graph(ROOT / "graphs" / "aws-us-east-1-2025-10-20.yaml")
INTERNAL = "aws.use1.dynamodb.internal-endpoint"


def test_the_dns_record_ranks_first_and_route53_and_the_lb_fleet_are_no_spof():
    spofs = [s.component for s in spof_report(GRAPH).spofs]
    assert spofs[0] == "aws.use1.dynamodb.dns-record"
    assert "aws.use1.dynamodb.lb-fleet" in GRAPH.groups
    assert "aws.route53.data-plane" in GRAPH.groups
    assert not any(s.startswith(("aws.route53", "aws.use1.dynamodb.lb-fleet")) for s in spofs)


def test_route53_change_api_down_freezes_the_record_without_taking_anything_down():
    outcome = propagate(GRAPH, ["aws.route53.control-plane"])
    assert outcome.state("aws.use1.dynamodb.dns-record") is State.DEGRADED
    assert not [u for u in GRAPH.user_facing if outcome.state(u) is State.DOWN]


@pytest.mark.parametrize(
    "service",
    [
        "aws.use1.sts",
        "aws.use1.iam.console-signin",
        "aws.use1.identity-center",
        "aws.signin",
        "aws.iam",
        "aws.euw1.redshift.iam-user-queries",
    ],
)
def test_services_that_recovered_before_the_public_record_hang_on_the_internal_endpoint(service):
    assert propagate(GRAPH, [INTERNAL]).state(service) is State.DOWN
    # the public endpoint alone does not take them down (STS degrades through the NLBs)
    assert propagate(GRAPH, ["aws.use1.dynamodb.endpoint"]).state(service) is not State.DOWN


@pytest.mark.parametrize(
    "service",
    [
        "aws.use1.ec2.dwfm",
        "aws.use1.lambda.control-plane",
        "aws.use1.redshift.query",
        "aws.use1.redshift.control-plane",
    ],
)
def test_services_back_with_the_records_repair_resolve_without_the_clients_cache(service):
    """Back at 02:21-02:25 (E16, E17, E20): with the record, before clients' caches (02:40)."""
    assert propagate(GRAPH, ["aws.use1.dynamodb.dns-record"]).state(service) is State.DOWN
    for endpoint in ("aws.use1.dynamodb.endpoint", INTERNAL):
        assert propagate(GRAPH, [endpoint]).state(service) is not State.DOWN
    deps = {d.target for d in GRAPH.components[service].depends_on}
    assert "aws.use1.dynamodb.service-endpoint" in deps


def test_running_instances_never_degrade_with_ec2s_control_plane():
    failed = [
        "aws.use1.dynamodb.dns-record",
        "aws.use1.ec2.dwfm",
        "aws.use1.ec2.launch",
        "aws.use1.ec2.network-manager",
    ]
    assert propagate(GRAPH, failed).state("aws.use1.ec2.instances") is State.UP


def test_connect_is_not_down_whenever_lambda_is():
    # Connect's contact flows call Lambda synchronously (soft: errors, not a stop); the
    # queued asynchronous work (lambda.invoke) is not on its path (E45 vs E48)
    outcome = propagate(GRAPH, ["aws.use1.lambda.sync-invoke"])
    assert outcome.state("aws.use1.connect") is State.DEGRADED
    outcome = propagate(GRAPH, ["aws.use1.lambda.invoke"])
    assert outcome.state("aws.use1.connect") is State.UP


def test_every_edge_keeps_its_sources_or_says_it_is_assumed():
    for component in GRAPH.components.values():
        for dep in component.depends_on:
            assert dep.sources or dep.assumed, (component.id, dep.target)
