from catalog.models.choices import (
    CYCLE_DAYS,
    Deployment,
    FormatClass,
    Grade,
    ItemType,
    OpenType,
    ProtectionLevel,
    SharingChannel,
    SharingMedium,
    SharingType,
    UpdateCycle,
    ValidityKind,
)
from catalog.models.quality import Dataset, QualityFinding, QualityRun
from catalog.models.resources import (
    CatalogSettings,
    Category,
    CodeSequence,
    DataItem,
    DataResource,
    InformationSystem,
    Lifecycle,
    ReviewComment,
    ServiceMatter,
)
from catalog.models.sharing import Demand, DemandState, SharingEntry

__all__ = [
    "CYCLE_DAYS", "CatalogSettings", "Category", "CodeSequence", "DataItem", "DataResource", "Dataset", "Demand",
    "DemandState", "Deployment", "FormatClass", "Grade", "InformationSystem", "ItemType", "Lifecycle", "OpenType",
    "ProtectionLevel", "QualityFinding", "QualityRun", "ReviewComment", "ServiceMatter", "SharingChannel",
    "SharingEntry", "SharingMedium", "SharingType", "UpdateCycle", "ValidityKind",
]
