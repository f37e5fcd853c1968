"""The DCAT-AP 3 export: what it says about each open dataset, its formats, and that it round-trips."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from catalog.tests import open_county as county
from catalog.tests.open_county import OpenCounty

pytestmark = pytest.mark.django_db
open_county = county.open_county  # the shared fixture

BASE = "http://testserver"
EU = "http://publications.europa.eu/resource/authority/"
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")


def turtle(client: Any, path: str = "/api/3/catalog.ttl") -> Graph:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/turtle; charset=utf-8"
    return Graph().parse(data=response.content.decode(), format="turtle")


def dataset(name: str) -> URIRef:
    return URIRef(f"{BASE}/api/3/dataset/{name}")


def test_it_describes_the_catalog_and_its_publisher(client: Any, open_county: OpenCounty) -> None:
    g = turtle(client)
    catalog = URIRef(f"{BASE}/api/3/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in g
    assert g.value(catalog, DCTERMS.title) == Literal("泗洪县大数据中心公共数据开放目录", lang="zh")
    publisher = g.value(catalog, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g
    assert g.value(publisher, FOAF.name) == Literal("泗洪县大数据中心", lang="zh")
    assert g.value(catalog, DCTERMS.language) == URIRef(EU + "language/ZHO")
    assert g.value(catalog, FOAF.homepage) == URIRef(f"{BASE}/")
    scheme = g.value(catalog, DCAT.themeTaxonomy)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    assert set(g.objects(catalog, DCAT.dataset)) == {dataset("102-000001"), dataset("201-000001"),
                                                     dataset("201-000002")}
    assert len(set(g.objects(catalog, DCAT.record))) == 3
    assert g.value(catalog, DCTERMS.issued).datatype == XSD.date


def test_it_maps_a_datasets_catalog_fields(client: Any, open_county: OpenCounty) -> None:
    g = turtle(client)
    contracts = dataset("102-000001")
    assert g.value(contracts, DCTERMS.title) == Literal("政府采购合同信息", lang="zh")
    assert g.value(contracts, DCTERMS.identifier) == Literal("102/000001")
    assert g.value(g.value(contracts, ADMS.identifier), SKOS.notation) == Literal("102/000001")
    assert g.value(contracts, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/MONTHLY")
    assert g.value(contracts, DCTERMS.accessRights) == URIRef(EU + "access-right/RESTRICTED")
    assert g.value(dataset("201-000001"), DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    assert g.value(dataset("201-000001"), DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/ANNUAL")
    assert g.value(dataset("201-000002"), DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/DAILY")
    assert g.value(contracts, DCTERMS.issued) == Literal(open_county.contracts.opened_on, datatype=XSD.date)
    theme = g.value(contracts, DCAT.theme)
    assert g.value(theme, SKOS.notation) == Literal("102")
    assert g.value(theme, SKOS.prefLabel) == Literal("法人单位", lang="zh")
    assert g.value(g.value(theme, SKOS.broader), SKOS.prefLabel) == Literal("基础信息资源", lang="zh")
    publisher = g.value(contracts, DCTERMS.publisher)
    assert g.value(publisher, FOAF.name) == Literal("泗洪县财政局", lang="zh")
    assert g.value(g.value(contracts, DCAT.contactPoint), VCARD.fn) == Literal("泗洪县财政局", lang="zh")
    assert set(g.objects(contracts, DCAT.keyword)) == {Literal("基础信息资源", lang="zh"),
                                                       Literal("法人单位", lang="zh")}
    zt = Namespace(f"{BASE}/api/3/ns#")
    assert g.value(contracts, zt.dataGrade) == Literal("重要数据", lang="zh")


def test_it_describes_how_each_distribution_is_reached(client: Any, open_county: OpenCounty) -> None:
    g = turtle(client)
    wifi = g.value(dataset("201-000002"), DCAT.distribution)
    assert (wifi, RDF.type, DCAT.Distribution) in g
    assert str(g.value(wifi, DCAT.accessURL)).startswith(BASE + "/")
    assert g.value(wifi, DCTERMS.format) == URIRef(EU + "file-type/CSV")
    assert g.value(wifi, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert g.value(wifi, DCTERMS.license) == URIRef(EU + "licence/CC_BY_4_0")
    contracts = g.value(dataset("102-000001"), DCAT.distribution)
    assert g.value(contracts, DCTERMS.format) == URIRef(EU + "file-type/JSON")
    rights = g.value(contracts, DCTERMS.rights)
    assert "实名注册并签订数据利用协议" in str(g.value(rights, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert (g.value(contracts, DCTERMS.license), RDF.type, DCTERMS.LicenseDocument) in g


def test_it_links_each_dataset_to_a_table_schema_of_its_open_items(client: Any, open_county: OpenCounty) -> None:
    g = turtle(client)
    schema_iri = g.value(dataset("201-000001"), DCTERMS.conformsTo)
    assert str(schema_iri) == f"{BASE}/api/3/schema/201-000001.json"
    response = client.get("/api/3/schema/201-000001.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert [f["name"] for f in schema["fields"]] == ["项目名称", "预算金额", "执行率"]
    assert schema["fields"][0] == {"name": "项目名称", "title": "项目名称", "type": "string", "format": "default",
                                   "constraints": {"required": True, "maxLength": 100}}
    assert schema["fields"][1]["type"] == "number"


def test_it_exports_only_open_resources(client: Any, open_county: OpenCounty) -> None:
    g = turtle(client)
    titles = {str(t) for t in g.objects(None, DCTERMS.title)}
    assert not [t for t in titles if "机密" in t]
    assert len(list(g.subjects(RDF.type, DCAT.Dataset))) == 3
    assert "内部机密字段" not in client.get("/api/3/catalog.jsonld").content.decode()


def test_it_round_trips_through_turtle_and_json_ld(client: Any, open_county: OpenCounty) -> None:
    from_turtle = turtle(client)
    response = client.get("/api/3/catalog.jsonld")
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    document = json.loads(response.content)
    assert "@context" in document and "@graph" in document
    from_json_ld = Graph().parse(data=response.content.decode(), format="json-ld")
    assert len(from_turtle) > 100
    assert isomorphic(from_turtle, from_json_ld)


def test_it_serves_one_dataset_by_negotiation(client: Any, open_county: OpenCounty) -> None:
    g = turtle(client, "/api/3/dataset/201-000002")
    assert (dataset("201-000002"), RDF.type, DCAT.Dataset) in g
    assert len(list(g.subjects(RDF.type, DCAT.Dataset))) == 1
    as_json = client.get("/api/3/dataset/201-000002", HTTP_ACCEPT="application/ld+json")
    assert as_json["Content-Type"] == "application/ld+json; charset=utf-8"
    assert isomorphic(g, Graph().parse(data=as_json.content.decode(), format="json-ld"))
    by_suffix = client.get("/api/3/dataset/201-000002.jsonld").content.decode()
    assert isomorphic(g, Graph().parse(data=by_suffix, format="json-ld"))  # blank node ids differ per call


def test_it_exports_an_empty_catalog(client: Any, db: None) -> None:
    g = turtle(client)
    assert len(list(g.subjects(RDF.type, DCAT.Catalog))) == 1
    assert len(list(g.subjects(RDF.type, DCAT.Dataset))) == 0


def test_it_answers_get_only(client: Any, open_county: OpenCounty) -> None:
    assert client.post("/api/3/catalog.ttl").status_code == 405
