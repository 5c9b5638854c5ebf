"""The plain-Python rules of graph files: the id pattern, region names and zones.

Shared by the pydantic models (:mod:`blast.model.spec`, :mod:`blast.model.vocabulary`)
and by the loader's fast pass (:mod:`blast.loading.vouch`), which checks plain
components without importing pydantic: both accept exactly the same ids, regions
and zones because both call these.
"""

from __future__ import annotations

import re

from blast.model.enums import Scope

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$"
GLOBAL_REGION = "global"

AWS_REGION = re.compile(
    r"^(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso[a-z]?)?-"
    r"(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d$"
)
AWS_AZ = re.compile(r"^(?P<region>.+-\d)[a-z]$|^[a-z]{2,5}\d+-az\d+$")
GCP_REGION = re.compile(r"^[a-z]+-[a-z]+\d$")
AZURE_REGION = re.compile(r"^[a-z]+[0-9]?$")
GENERIC_REGION = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REGION_PATTERNS = {"aws": AWS_REGION, "gcp": GCP_REGION, "azure": AZURE_REGION}
_GOOD_REGIONS: set[tuple[object, str]] = set()
"""(provider as written, region) pairs already found valid: checked once each."""


def region_problem(provider: object, region: str) -> str | None:
    """What is wrong with ``region`` for a component of ``provider`` (as written), or None."""
    if region == GLOBAL_REGION or (provider, region) in _GOOD_REGIONS:
        return None
    name = str(provider).lower()
    pattern = REGION_PATTERNS.get(name, GENERIC_REGION)
    if not pattern.match(region):
        hint = " (e.g. us-east-1)" if name == "aws" else ""
        return f"'{region}' is not a valid {name or 'region'} region name{hint}"
    if len(_GOOD_REGIONS) < 4096:  # a graph names a few dozen: remember them
        _GOOD_REGIONS.add((provider, region))
    return None


def az_problem(az: str, scope: object, provider: object, region: object) -> str | None:
    """What is wrong with the availability zone ``az`` of a component whose scope, provider
    and region validated as given (None when one did not), or None."""
    if scope is not None and scope is not Scope.ZONAL:
        return f"`az` is set but scope is {getattr(scope, 'value', scope)}; use scope: zonal"
    if str(provider).lower() == "aws" and region:
        match = AWS_AZ.match(az)
        if not match or (match.group("region") and match.group("region") != region):
            return (
                f"'{az}' is not an availability zone of {region} "
                f"(e.g. {region}a, or a zone id like use1-az1)"
            )
    return None
