"""The words and mixes of a realistic campaign: categories and sectors, sizes, the investment
curve, factor requests and their handling, names of projects, firms, units and leaders
(DOMAIN.md; where each figure comes from is in scenarios/README.md)."""

from __future__ import annotations

REFERENCE_PROJECTS = 54
REFERENCE_SEED = 2020
"""The reference campaign: Zaozhuang High-tech Zone 2020, 54 projects (its seed is its year)."""


# Category and sector mixes of the reference (DOMAIN.md: ≈ 20 / 24 / 6 / 4 of 54; 锂光医智大).
CATEGORY_SHARES = (
    ("continuing", 20 / 54),
    ("new", 24 / 54),
    ("completing", 6 / 54),
    ("preparatory", 4 / 54),
)
SECTOR_SHARES = (
    ("lithium", 0.30),
    ("photonics", 0.12),
    ("pharma", 0.15),
    ("smart_manufacturing", 0.22),
    ("big_data", 0.08),
    ("livelihood", 0.13),
)
INDUSTRIAL = frozenset({"lithium", "photonics", "pharma", "smart_manufacturing"})
# Median total investment by sector, 万元 (all sectors together: ≈ 30,000, DOMAIN.md).
SECTOR_MEDIAN = {
    "lithium": 17_000.0,
    "photonics": 38_000.0,
    "pharma": 36_000.0,
    "smart_manufacturing": 38_000.0,
    "big_data": 36_000.0,
    "livelihood": 31_000.0,
}
SIZE_SIGMA = 0.9
SIZE_RANGE = (2_000.0, 450_000.0)
ANCHOR_RANGE = (900_000.0, 1_600_000.0)  # as drawn; calibrated within the limits
ANCHOR_LIMITS = (500_000.0, 2_000_000.0)
HEALTHY = 0.99  # the least pace of a project on track (0.99 × 53% of plan by 30 June)

# The year's investment curve: share of the annual plan done in each month, % (DOMAIN.md: a
# normal year reaches 52% at June's end and 110% at December's; 2020 lost February to COVID).
MONTHLY_NORMAL = (3.0, 4.0, 11.0, 10.0, 11.0, 13.0, 8.0, 8.0, 10.0, 10.0, 10.0, 12.0)
MONTHLY_2020 = (3.0, 0.6, 10.5, 12.0, 13.0, 14.0, 8.0, 8.0, 10.0, 10.0, 10.0, 10.0)

# Factor requests: working-day time limits, resolution time (median as a share of the limit,
# log-normal sigma), which department handles them, and what the lines say.
SLA_DAYS = {
    "land": 20,
    "energy": 15,
    "environment": 15,
    "water": 10,
    "power": 10,
    "gas_heat": 10,
    "road_pipe": 15,
    "finance": 10,
    "labour": 3,
    "approval": 7,
    "demolition": 30,
    "other": 5,
}
RESOLUTION = {
    "land": (0.9, 0.7),
    "energy": (0.9, 0.7),
    "environment": (0.8, 0.55),
    "water": (0.7, 0.5),
    "power": (0.75, 0.5),
    "gas_heat": (0.8, 0.5),
    "road_pipe": (0.8, 0.55),
    "finance": (0.75, 0.55),
    "labour": (0.8, 0.5),
    "approval": (0.6, 0.5),
    "demolition": (0.9, 0.7),
    "other": (0.8, 0.6),
}
LONG_TAIL = frozenset({"land", "energy", "demolition"})
HANDLER = {
    "land": "区自然资源局",
    "energy": "区发改局",
    "environment": "区生态环境分局",
    "water": "区水务局",
    "power": "区供电中心",
    "gas_heat": "区燃气热力办",
    "road_pipe": "区住建局",
    "finance": "区金融服务中心",
    "labour": "区人社局",
    "approval": "区行政审批服务局",
    "demolition": "区征收办",
    "other": "区重点项目办",
}
DETAIL = {
    "land": ("{n} 亩建设用地供地手续", "用地指标调剂 {n} 亩", "土地证办理"),
    "energy": ("能耗指标 {n} 吨标煤", "节能审查意见"),
    "environment": ("环评批复", "排污许可办理", "环评报告专家评审"),
    "water": ("供水管网接入", "工业用水指标 {n} 吨/日"),
    "power": ("10kV 双回路接入", "临时用电报装", "{n} kVA 专变增容"),
    "gas_heat": ("天然气管道接入", "蒸汽供热接入"),
    "road_pipe": ("配套道路及雨污管网", "厂区外道路打通"),
    "finance": ("流动资金贷款 {n} 万元", "设备贷款贴息 {n} 万元", "产业基金投资 {n} 万元"),
    "labour": ("返岗用工 {n} 人", "技术工人招聘 {n} 人"),
    "approval": ("施工许可证并联审批", "规划许可证办理", "消防设计审查", "竣工联合验收"),
    "demolition": ("地上附着物拆迁", "高压线迁改"),
    "other": ("防疫物资保障", "物流通行证办理", "人才公寓安排"),
}
FULFILLED = {
    "land": "已挂牌出让, 交地到位",
    "energy": "能耗指标已统筹解决",
    "environment": "已出具批复",
    "water": "已通水",
    "power": "已送电",
    "gas_heat": "已通气",
    "road_pipe": "已完工通行",
    "finance": "资金已到位",
    "labour": "已协调到位",
    "approval": "容缺受理, 已发证",
    "demolition": "拆迁完成, 场地移交",
    "other": "已协调解决",
}
EXTEND_REASON = {
    "land": "需报省厅审批用地指标",
    "energy": "能耗指标需市级统筹",
    "environment": "需组织专家评审",
    "demolition": "征迁协商未完成",
}
ESCALATION = (
    (1, "下发督办单"),
    (2, "约谈责任单位, 分管领导督办"),
    (3, "主要领导召开专题协调会"),
)
# Requests per project-month by phase, and their category mix (DOMAIN.md).
Mix = tuple[tuple[str, int], ...]
MIX_PRE: Mix = (
    ("approval", 40),
    ("land", 30),
    ("environment", 8),
    ("energy", 6),
    ("finance", 8),
    ("demolition", 5),
    ("other", 3),
)
MIX_BUILD: Mix = (
    ("approval", 22),
    ("land", 8),
    ("power", 9),
    ("water", 5),
    ("gas_heat", 3),
    ("road_pipe", 6),
    ("finance", 16),
    ("labour", 8),
    ("environment", 6),
    ("energy", 4),
    ("demolition", 5),
    ("other", 8),
)
MIX_PREPRODUCTION: Mix = (
    ("power", 25),
    ("water", 10),
    ("gas_heat", 10),
    ("road_pipe", 5),
    ("approval", 20),
    ("environment", 8),
    ("finance", 8),
    ("labour", 6),
    ("other", 8),
)
MIX_COVID: Mix = (("labour", 45), ("other", 35), ("finance", 20))

NAMES = {
    "lithium": (
        "年产{g}GWh锂离子动力电池项目",
        "年产{t}万吨锂电池正极材料项目",
        "锂电池隔膜生产线项目",
        "锂电池负极材料项目",
        "储能电池PACK生产线项目",
        "锂电池电解液项目",
        "废旧锂电池综合利用项目",
        "锂电池精密结构件项目",
    ),
    "photonics": (
        "光通信器件产业化项目",
        "激光器及光学模组项目",
        "光电显示模组生产线项目",
        "LED芯片封装项目",
        "光纤预制棒项目",
        "红外热成像组件项目",
    ),
    "pharma": (
        "生物医药中试基地项目",
        "原料药绿色工艺技改项目",
        "医疗器械产业园项目",
        "中药饮片加工项目",
        "医用防护用品生产线项目",
        "体外诊断试剂项目",
    ),
    "smart_manufacturing": (
        "智能装备制造项目",
        "数控机床生产线项目",
        "工业机器人集成项目",
        "高端轴承技改项目",
        "新能源汽车零部件项目",
        "智能仓储物流装备项目",
        "精密铸造技改项目",
    ),
    "big_data": (
        "大数据中心项目",
        "云计算产业园项目",
        "软件和信息服务产业园项目",
        "工业互联网平台项目",
        "5G应用创新中心项目",
    ),
    "livelihood": (
        "安置房建设项目",
        "学校新建项目",
        "医院门诊综合楼项目",
        "道路提升改造工程",
        "污水处理厂扩建工程",
        "城市公园提升工程",
        "人才公寓项目",
    ),
}
FIRMS = (
    "鲁南",
    "华睿",
    "恒远",
    "博润",
    "正和",
    "瑞达",
    "金泰",
    "新元",
    "天益",
    "盛源",
    "凤鸣",
    "泰鑫",
    "润丰",
    "远航",
    "德晟",
    "宏宇",
)
PLACES = ("高新区", "兴仁街道", "张范街道", "兴城街道")
UNITS = {
    "lithium": ("区招商局", "区工信局", "兴仁街道"),
    "photonics": ("区招商局", "区科技局", "张范街道"),
    "pharma": ("区科技局", "区工信局", "兴城街道"),
    "smart_manufacturing": ("区工信局", "区发改局", "兴仁街道"),
    "big_data": ("区大数据中心", "区科技局"),
    "livelihood": ("区住建局", "区教体局", "区卫健局", "张范街道", "兴城街道"),
}
LEADERS = {
    "区招商局": "刘副主任",
    "区工信局": "王副主任",
    "区科技局": "陈副主任",
    "区发改局": "孙副主任",
    "区大数据中心": "陈副主任",
    "区住建局": "赵副主任",
    "区教体局": "李副主任",
    "区卫健局": "李副主任",
    "兴仁街道": "周书记",
    "张范街道": "吴书记",
    "兴城街道": "郑书记",
}
OFFICE = "区重点项目办"
SUPERVISION = "区督查室"
WORK_NOTES = {
    "pre": ("场地平整", "土地款支付", "设计方案深化", "设备订购"),
    "build": ("土方开挖", "桩基施工", "主体施工", "钢结构吊装", "主体封顶", "设备安装调试"),
    "after": ("设备调试", "试生产", "竣工验收准备", "尾款结算"),
}
STALL_REASONS = ("资金链紧张", "股东变更", "规划调整", "设备供应商违约")
CORRECTION_REASONS = (
    "监理核定工程量调减",
    "发票核对",
    "重复填报, 予以更正",
    "月末结算补差",
    "统计口径核对",
)
