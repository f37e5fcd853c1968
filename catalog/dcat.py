"""DCAT-AP 3 export of the open catalog (Turtle and JSON-LD), built with rdflib.

Mapping (spec §11; *Design* rows made concrete):

==========================  ===========================================================================
政通                         DCAT-AP 3
==========================  ===========================================================================
the open catalog            dcat:Catalog, published by the county's Big Data Center (foaf:Agent), with
                            dcat:themeTaxonomy = the 政务信息资源分类 scheme, dct:language ZHO, homepage
名称 / 摘要                   dct:title / dct:description ``@zh``
信息资源代码                  dct:identifier (the ``/`` kept) and adms:identifier (skos:notation)
资源分类 类/项/目/细目          dcat:theme → skos:Concept (skos:notation = 分类编码, skos:broader)
提供方 / 统一社会信用代码        dct:publisher → foaf:Agent (foaf:name, dct:identifier = USCC);
                            dcat:contactPoint → vcard:Organization
分类路径与关联事项              dcat:keyword ``@zh`` (the CKAN tags)
更新周期                     dct:accrualPeriodicity → EU frequency (spec §5 table)
开放日期 / 最近更新             dct:issued / dct:modified
开放属性                     dct:accessRights → EU access-right PUBLIC (无条件) / RESTRICTED (有条件);
                            dct:license CC BY 4.0 or the conditional-use agreement; 开放条件 → dct:rights
格式                         dcat:Distribution with dcat:accessURL (the resource's page), dct:format
                            (EU file type where one exists), dcat:mediaType (IANA)
开放的信息项                  dct:conformsTo → a Frictionless Table Schema at /api/3/schema/<name>.json
共享类型 / 数据分级             zt:sharingType / zt:dataGrade (local properties, Chinese labels)
==========================  ===========================================================================

A dcat:CatalogRecord per dataset carries when its metadata was issued and changed. Only
``catalog.opendata.open_resources()`` and ``open_items()`` are read: nothing else is exported.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from catalog import opendata
from catalog.models import Category, DataItem, DataResource, Grade, ItemType, OpenType, SharingType
from catalog.opendata import FREQUENCY, LICENCES, Directory, open_resources, with_public_relations
from core.models import Unit

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
DCAT_AP_3 = URIRef("https://semiceu.github.io/DCAT-AP/releases/3.0.0/")
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
COMPLETED = URIRef("http://purl.org/adms/status/Completed")
STABLE = URIRef(EU + "planned-availability/STABLE")
CHINESE = URIRef(EU + "language/ZHO")
ACCESS_RIGHTS: dict[str, URIRef] = {OpenType.UNCONDITIONAL: URIRef(EU + "access-right/PUBLIC"),
                 OpenType.CONDITIONAL: URIRef(EU + "access-right/RESTRICTED")}
RESTRICTIVE_LICENCE = URIRef("http://purl.org/adms/licencetype/OtherRestrictiveClauses")

# 格式类型 as registered → (EU file type, IANA media type).
FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("CSV", "text/csv"), "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "xls": ("XLS", "application/vnd.ms-excel"), "json": ("JSON", "application/json"),
    "xml": ("XML", "application/xml"), "pdf": ("PDF", "application/pdf"),
    "docx": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "doc": ("DOC", "application/msword"), "txt": ("TXT", "text/plain"), "zip": ("ZIP", "application/zip"),
    "html": ("HTML", "text/html"), "jpg": ("JPEG", "image/jpeg"), "jpeg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"), "geojson": ("GEOJSON", "application/geo+json"), "shp": ("SHP", ""),
    "parquet": ("PARQUET", ""), "ofd": ("", "application/ofd"),
}

# 信息项数据类型 → Frictionless Table Schema field type.
TABLE_TYPES = {
    ItemType.CHAR: "string", ItemType.NUMBER: "number", ItemType.CURRENCY: "number", ItemType.DATE: "date",
    ItemType.DATETIME: "datetime", ItemType.LOGICAL: "boolean", ItemType.MEMO: "string", ItemType.GENERAL: "any",
    ItemType.DOUBLE: "number", ItemType.INTEGER: "integer", ItemType.FLOAT: "number", ItemType.CUSTOM: "any",
}

JSONLD_CONTEXT = {
    "dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "skos": str(SKOS), "vcard": str(VCARD),
    "adms": str(ADMS), "dcatap": str(DCATAP), "rdfs": str(RDFS), "xsd": str(XSD),
}


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


class _Builder:
    """Adds the catalog's nodes to one graph; IRIs hang off the site's absolute base URL."""

    def __init__(self, base: str, directory: Directory) -> None:
        self.base = base.rstrip("/")
        self.d = directory
        self.zt = Namespace(f"{self.base}/api/3/ns#")
        self.g = Graph()
        for prefix, ns in {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "skos": SKOS, "vcard": VCARD,
                           "adms": ADMS, "dcatap": DCATAP, "zt": self.zt}.items():
            self.g.bind(prefix, ns)
        self.scheme = URIRef(f"{self.base}/api/3/themes")
        self._agents: dict[int, URIRef] = {}
        self._concepts: set[int] = set()

    def iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def dataset_iri(self, resource: DataResource) -> URIRef:
        return self.iri(reverse("ckan:dataset", kwargs={"name": opendata.package_name(resource)}))

    # ---- agents and themes ----

    def agent(self, unit: Unit) -> URIRef:
        if unit.pk in self._agents:
            return self._agents[unit.pk]
        node = self.iri(reverse("ckan:action", args=["organization_show"]) + f"?id={self.d.org_name(unit.pk)}")
        g = self.g
        g.add((node, RDF.type, FOAF.Agent))
        g.add((node, RDF.type, FOAF.Organization))
        g.add((node, FOAF.name, _zh(unit.full_name)))
        g.add((node, DCTERMS.type, LOCAL_AUTHORITY))
        if unit.credit_code:
            g.add((node, DCTERMS.identifier, Literal(unit.credit_code)))
        self._agents[unit.pk] = node
        return node

    def concept_scheme(self) -> None:
        g = self.g
        g.add((self.scheme, RDF.type, SKOS.ConceptScheme))
        g.add((self.scheme, DCTERMS.title, _zh("政务信息资源分类")))
        g.add((self.scheme, SKOS.prefLabel, _zh("政务信息资源分类")))
        g.add((self.scheme, DCTERMS.description,
               _zh("《政务信息资源目录编制指南（试行）》的类、项、目、细目分类（GB/T 21063.4）")))

    def concept(self, category: Category) -> URIRef:
        node = URIRef(f"{self.scheme}/{category.code}")
        if category.pk in self._concepts:
            return node
        self._concepts.add(category.pk)
        g = self.g
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.prefLabel, _zh(category.name)))
        g.add((node, SKOS.notation, Literal(category.code)))
        g.add((node, SKOS.inScheme, self.scheme))
        parent = self.d.categories.get(category.parent_id) if category.parent_id else None
        if parent is None:
            g.add((node, SKOS.topConceptOf, self.scheme))
            g.add((self.scheme, SKOS.hasTopConcept, node))
        else:
            g.add((node, SKOS.broader, self.concept(parent)))
        return node

    # ---- datasets ----

    def dataset(self, resource: DataResource) -> URIRef:
        g = self.g
        node = self.dataset_iri(resource)
        page = self.iri(opendata.resource_page_path(resource))
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.title, _zh(resource.name)))
        g.add((node, DCTERMS.description, _zh(resource.summary)))
        g.add((node, DCTERMS.identifier, Literal(resource.code)))
        identifier = BNode()
        g.add((node, ADMS.identifier, identifier))
        g.add((identifier, RDF.type, ADMS.Identifier))
        g.add((identifier, SKOS.notation, Literal(resource.code)))
        g.add((node, DCAT.theme, self.concept(resource.category)))
        g.add((node, DCTERMS.publisher, self.agent(resource.unit)))
        contact = BNode()
        g.add((node, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, VCARD.fn, _zh(resource.unit.full_name)))
        for keyword in self.d.tags_of(resource):
            g.add((node, DCAT.keyword, _zh(keyword)))
        g.add((node, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/" + FREQUENCY[resource.update_cycle])))
        if resource.opened_on:
            g.add((node, DCTERMS.issued, Literal(resource.opened_on, datatype=XSD.date)))
        g.add((node, DCTERMS.modified, self._modified(resource)))
        g.add((node, DCTERMS.accessRights, ACCESS_RIGHTS[resource.open_type]))
        g.add((node, DCTERMS.language, CHINESE))
        g.add((node, DCAT.landingPage, page))
        g.add((node, self.zt.sharingType, _zh(SharingType(resource.sharing_type).label)))
        g.add((node, self.zt.openType, _zh(OpenType(resource.open_type).label)))
        g.add((node, self.zt.dataGrade, _zh(Grade(resource.grade).label)))
        schema = self._table_schema(resource) if getattr(resource, "open_items", None) else None
        if schema is not None:
            g.add((node, DCTERMS.conformsTo, schema))
        g.add((node, DCAT.distribution, self._distribution(resource, node, page, schema)))
        return node

    def _modified(self, resource: DataResource) -> Literal:
        if resource.last_updated_on:
            return Literal(resource.last_updated_on, datatype=XSD.date)
        return Literal(resource.updated_at.astimezone(timezone.get_fixed_timezone(0)), datatype=XSD.dateTime)

    def _table_schema(self, resource: DataResource) -> URIRef:
        node = self.iri(reverse("ckan:schema", kwargs={"name": opendata.package_name(resource)}))
        self.g.add((node, RDF.type, DCTERMS.Standard))
        self.g.add((node, DCTERMS.title, _zh(f"{resource.name}的信息项（表结构）")))
        self.g.add((node, DCTERMS.conformsTo, URIRef("https://specs.frictionlessdata.io/table-schema/")))
        return node

    def _distribution(self, resource: DataResource, dataset: URIRef, page: URIRef, schema: URIRef | None
                      ) -> URIRef:
        g = self.g
        node = URIRef(f"{dataset}#distribution")
        label = opendata.format_label(resource)
        g.add((node, RDF.type, DCAT.Distribution))
        g.add((node, DCAT.accessURL, page))
        g.add((node, DCTERMS.title, _zh(f"{resource.name}（{label}）")))
        conditional = resource.open_type == OpenType.CONDITIONAL
        how = f"有条件开放，开放条件：{resource.open_condition}" if conditional else "无条件开放，署名后可自由使用"
        g.add((node, DCTERMS.description, _zh(how)))
        eu_type, media = FORMATS.get(label.strip().lower(), ("", ""))
        if eu_type:
            g.add((node, DCTERMS.format, URIRef(EU + "file-type/" + eu_type)))
        else:
            fmt = BNode()
            g.add((node, DCTERMS.format, fmt))
            g.add((fmt, RDF.type, DCTERMS.MediaTypeOrExtent))
            g.add((fmt, RDFS.label, _zh(label)))
        if media:
            g.add((node, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + media)))
        g.add((node, DCTERMS.license, self._licence(resource.open_type)))
        if conditional:
            rights = BNode()
            g.add((node, DCTERMS.rights, rights))
            g.add((rights, RDF.type, DCTERMS.RightsStatement))
            g.add((rights, RDFS.label, _zh(f"开放条件：{resource.open_condition}")))
        g.add((node, DCATAP.availability, STABLE))
        if resource.opened_on:
            g.add((node, DCTERMS.issued, Literal(resource.opened_on, datatype=XSD.date)))
        g.add((node, DCTERMS.modified, self._modified(resource)))
        if schema is not None:
            g.add((node, DCTERMS.conformsTo, schema))
        return node

    def _licence(self, open_type: str) -> URIRef:
        licence = LICENCES[open_type]
        if licence["eu"]:
            return URIRef(str(licence["eu"]))
        node = self.iri(f"/api/3/licence/{licence['id']}")
        self.g.add((node, RDF.type, DCTERMS.LicenseDocument))
        self.g.add((node, RDFS.label, _zh(str(licence["title"]))))
        self.g.add((node, DCTERMS.type, RESTRICTIVE_LICENCE))
        return node

    def record(self, resource: DataResource, dataset: URIRef) -> URIRef:
        g = self.g
        node = URIRef(f"{dataset}#record")
        g.add((node, RDF.type, DCAT.CatalogRecord))
        g.add((node, FOAF.primaryTopic, dataset))
        g.add((node, DCTERMS.modified,
               Literal(resource.updated_at.astimezone(timezone.get_fixed_timezone(0)), datatype=XSD.dateTime)))
        issued = resource.published_on or resource.opened_on
        if issued:
            g.add((node, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
        g.add((node, DCTERMS.conformsTo, DCAT_AP_3))
        g.add((node, ADMS.status, COMPLETED))
        return node

    # ---- the catalog ----

    def catalog(self, resources: Iterable[DataResource], publisher: Unit | None, span: dict[str, Any]) -> URIRef:
        g = self.g
        node = self.iri(reverse("ckan:catalog", kwargs={"fmt": "ttl"}).removesuffix(".ttl"))
        name = publisher.full_name if publisher else "政通"
        g.add((node, RDF.type, DCAT.Catalog))
        g.add((node, DCTERMS.title, _zh(f"{name}公共数据开放目录")))
        g.add((node, DCTERMS.description, _zh(
            f"{name}发布的公共数据开放目录：无条件开放和有条件开放的政务数据资源，按《政务信息资源目录编制指南（试行）》编目。")))
        if publisher is not None:
            g.add((node, DCTERMS.publisher, self.agent(publisher)))
        else:
            agent = BNode()
            g.add((agent, RDF.type, FOAF.Agent))
            g.add((agent, FOAF.name, _zh(name)))
            g.add((node, DCTERMS.publisher, agent))
        g.add((node, FOAF.homepage, self.iri("/")))
        g.add((node, DCTERMS.language, CHINESE))
        g.add((node, DCTERMS.license, URIRef(str(LICENCES[OpenType.UNCONDITIONAL]["eu"]))))
        g.add((node, DCAT.themeTaxonomy, self.scheme))
        if span.get("issued"):
            g.add((node, DCTERMS.issued, Literal(span["issued"], datatype=XSD.date)))
        modified = span.get("modified") or timezone.now()
        g.add((node, DCTERMS.modified,
               Literal(modified.astimezone(timezone.get_fixed_timezone(0)), datatype=XSD.dateTime)))
        self.concept_scheme()
        for resource in resources:
            dataset = self.dataset(resource)
            g.add((node, DCAT.dataset, dataset))
            g.add((node, DCAT.record, self.record(resource, dataset)))
        return node


def catalog_graph(base: str, today: date | None = None) -> Graph:
    """The whole open catalog: every open resource as a dcat:Dataset."""
    qs = open_resources(today)
    span = qs.aggregate(issued=Min("opened_on"), modified=Max("updated_at"))
    builder = _Builder(base, Directory.load())
    builder.catalog(with_public_relations(qs).order_by("code"), opendata.catalog_publisher(), span)
    return builder.g


def dataset_graph(base: str, resource: DataResource) -> Graph:
    """One open dataset with its distribution, publisher and themes (the resource must come from open_resources)."""
    builder = _Builder(base, Directory.load())
    builder.concept_scheme()
    builder.dataset(resource)
    return builder.g


def serialize(graph: Graph, fmt: str) -> str:
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=2)
    return graph.serialize(format="turtle")


def table_schema(resource: DataResource) -> dict[str, Any]:
    """The open 信息项 as a Frictionless Table Schema (the dataset's dct:conformsTo)."""
    fields = []
    for item in getattr(resource, "open_items", None) or []:
        assert isinstance(item, DataItem)
        constraints: dict[str, Any] = {}
        if item.required:
            constraints["required"] = True
        if item.unique:
            constraints["unique"] = True
        if item.length and TABLE_TYPES[ItemType(item.data_type)] == "string":
            constraints["maxLength"] = item.length
        entry: dict[str, Any] = {"name": item.name, "title": item.name,
                                 "type": TABLE_TYPES[ItemType(item.data_type)],
                                 "format": "default"}
        if item.description:
            entry["description"] = item.description
        if constraints:
            entry["constraints"] = constraints
        fields.append(entry)
    return {"fields": fields, "missingValues": [""]}
