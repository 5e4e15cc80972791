"""The campaign's vocabulary: sectors, project categories, factor categories, milestones,
stages, outcomes and target kinds, with the Chinese names people read. Plain enums, light to import
(the command line's help lists them)."""

from __future__ import annotations

from enum import StrEnum


class Sector(StrEnum):
    lithium = "lithium"
    photonics = "photonics"
    pharma = "pharma"
    smart_manufacturing = "smart_manufacturing"
    big_data = "big_data"
    livelihood = "livelihood"
    other = "other"


SECTOR_LABELS: dict[Sector, str] = {
    Sector.lithium: "锂电",
    Sector.photonics: "光电",
    Sector.pharma: "医药",
    Sector.smart_manufacturing: "智能制造",
    Sector.big_data: "大数据",
    Sector.livelihood: "民生",
    Sector.other: "其他",
}


class Category(StrEnum):
    new = "new"
    continuing = "continuing"
    completing = "completing"
    preparatory = "preparatory"


CATEGORY_LABELS: dict[Category, str] = {
    Category.new: "新开工",
    Category.continuing: "续建",
    Category.completing: "竣工",
    Category.preparatory: "预备",
}


class FactorCategory(StrEnum):
    land = "land"
    energy = "energy"
    environment = "environment"
    water = "water"
    power = "power"
    gas_heat = "gas_heat"
    road_pipe = "road_pipe"
    finance = "finance"
    labour = "labour"
    approval = "approval"
    demolition = "demolition"
    other = "other"


FACTOR_CATEGORY_LABELS: dict[FactorCategory, str] = {
    FactorCategory.land: "用地",
    FactorCategory.energy: "能耗",
    FactorCategory.environment: "环评",
    FactorCategory.water: "用水",
    FactorCategory.power: "用电",
    FactorCategory.gas_heat: "供气供热",
    FactorCategory.road_pipe: "道路管网",
    FactorCategory.finance: "融资",
    FactorCategory.labour: "用工",
    FactorCategory.approval: "审批",
    FactorCategory.demolition: "拆迁",
    FactorCategory.other: "其他",
}


DEFAULT_SLA_DAYS = 7


class Milestone(StrEnum):
    signed = "signed"
    started = "started"
    completed = "completed"
    production = "production"


MILESTONE_ORDER: dict[Milestone, int] = {
    Milestone.signed: 1,
    Milestone.started: 2,
    Milestone.completed: 3,
    Milestone.production: 4,
}

# The milestone each one needs before it (production may follow started directly).
MILESTONE_NEEDS: dict[Milestone, Milestone | None] = {
    Milestone.signed: None,
    Milestone.started: Milestone.signed,
    Milestone.completed: Milestone.started,
    Milestone.production: Milestone.started,
}


class Stage(StrEnum):
    """Where a project stands on a day: the last milestone reached by then (registered before
    any), or terminated."""

    registered = "registered"
    signed = "signed"
    started = "started"
    completed = "completed"
    production = "production"
    terminated = "terminated"


STAGE_LABELS: dict[Stage, str] = {
    Stage.registered: "登记",
    Stage.signed: "签约",
    Stage.started: "开工",
    Stage.completed: "竣工",
    Stage.production: "投产",
    Stage.terminated: "终止",
}


MILESTONE_LABELS: dict[Milestone, str] = {m: STAGE_LABELS[Stage(m.value)] for m in Milestone}


class Outcome(StrEnum):
    fulfilled = "fulfilled"
    rejected = "rejected"


OUTCOME_LABELS: dict[Outcome, str] = {Outcome.fulfilled: "办结", Outcome.rejected: "驳回"}


class TargetKind(StrEnum):
    industrial_projects_started = "industrial_projects_started"
    factory_area_started_m2 = "factory_area_started_m2"
    fixed_asset_investment = "fixed_asset_investment"
    tech_renovation_projects = "tech_renovation_projects"
    tech_renovation_investment = "tech_renovation_investment"
    tech_renovation_share = "tech_renovation_share"


TARGET_LABELS: dict[TargetKind, str] = {
    TargetKind.industrial_projects_started: "亿元以上工业项目开工",
    TargetKind.factory_area_started_m2: "标准厂房开工面积(m²)",
    TargetKind.fixed_asset_investment: "固定资产投资(万元)",
    TargetKind.tech_renovation_projects: "500万元以上技改项目",
    TargetKind.tech_renovation_investment: "技改投资(万元)",
    TargetKind.tech_renovation_share: "技改投资占比",
}


class Period(StrEnum):
    """The dispatch cadences a series can follow (调度: weekly, 旬, monthly, or the campaign's own
    checkpoint days)."""

    weekly = "weekly"
    xun = "xun"
    monthly = "monthly"
    checkpoints = "checkpoints"
