"""The DCAT-AP 3 export passes SHACL validation with the official DCAT-AP shapes (catalog/dcat_shapes/).

- Core shapes (DCAT-AP 3.0.0, severity Violation): the export conforms with **no result at all**.
  They check properties and cardinalities, not class ranges, so no external vocabulary is needed.
- Recommended shapes (DCAT-AP 2.1.1, severity Warning): reported. The only ones the county cannot fill
  are ``dct:spatial`` (catalog and datasets: no GB/T 2260 region code is configured yet) and
  ``dct:temporal`` (datasets: the catalog model records no time coverage); the test pins that list so a
  new gap fails it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, SH

from catalog.tests import open_county as county
from catalog.tests.open_county import OpenCounty

pytestmark = pytest.mark.django_db
open_county = county.open_county  # the shared fixture

SHAPES = Path(__file__).resolve().parent.parent / "dcat_shapes"


def shapes(name: str) -> Graph:
    return Graph().parse(SHAPES / name, format="turtle")


def export(client: Any, fmt: str) -> Graph:
    body = client.get(f"/api/3/catalog.{fmt}").content.decode()
    return Graph().parse(data=body, format="turtle" if fmt == "ttl" else "json-ld")


def results(report: Graph) -> list[tuple[Any, Any, Any]]:
    return [(report.value(r, SH.resultSeverity), report.value(r, SH.resultPath), report.value(r, SH.focusNode))
            for r in report.subjects(SH.resultSeverity, None)]


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_it_conforms_to_the_dcat_ap_3_core_shapes(client: Any, open_county: OpenCounty, fmt: str) -> None:
    conforms, report, text = validate(export(client, fmt), shacl_graph=shapes("dcat-ap_shacl_shapes.ttl"),
                                      inference="none")
    assert conforms, text
    assert results(report) == []


def test_it_meets_the_recommendations_except_spatial_and_temporal(client: Any, open_county: OpenCounty) -> None:
    conforms, report, text = validate(export(client, "ttl"), shacl_graph=shapes("dcat-ap_shacl_recommended.ttl"),
                                      inference="none", allow_warnings=True)
    assert conforms, text
    found = results(report)
    assert {severity for severity, _, _ in found} == {SH.Warning}
    assert {path for _, path, _ in found} == {DCTERMS.spatial, DCTERMS.temporal}
    catalog = URIRef("http://testserver/api/3/catalog")
    assert {focus for _, path, focus in found if path == DCTERMS.temporal} == {
        URIRef(f"http://testserver/api/3/dataset/{n}") for n in ("102-000001", "201-000001", "201-000002")}
    assert {focus for _, path, focus in found if path == DCTERMS.spatial} >= {catalog}


def test_it_still_conforms_with_no_open_data(client: Any, db: None) -> None:
    conforms, report, text = validate(export(client, "ttl"), shacl_graph=shapes("dcat-ap_shacl_shapes.ttl"),
                                      inference="none")
    assert conforms, text


def test_it_keeps_the_shapes_it_was_given() -> None:
    core, recommended = shapes("dcat-ap_shacl_shapes.ttl"), shapes("dcat-ap_shacl_recommended.ttl")
    assert len(list(core.subjects(SH.targetClass, None))) >= 15
    assert len(list(recommended.subjects(SH.targetClass, None))) >= 10
    assert (SHAPES / "README.md").read_text(encoding="utf-8").count("CC BY 4.0") >= 2
