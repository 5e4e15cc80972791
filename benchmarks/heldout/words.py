"""The held-out campaign's words: project names, 帮包单位, 包保领导, notes and reasons.

A list of its own, not the project generator's, so that nothing the engine is tuned on (name
lengths, the set of units, the text of notes) is shared with the files it is measured on. No
real company is named: firm names are two invented characters from a fixed pool.
"""

from __future__ import annotations

FIRM_HEADS = "华汇鼎瑞恒泰宏昌鑫盛隆嘉通达金安永兴康源"
FIRM_TAILS = "宇丰创晟瀚德锦峰远润邦信合承辰启"

PRODUCTS: dict[str, tuple[str, ...]] = {
    "lithium": ("磷酸铁锂正极材料", "动力电池模组", "锂电隔膜", "电解液", "储能电池", "负极材料"),
    "photonics": ("光通信器件", "激光器", "光学镜头", "LED封装", "光纤预制棒", "红外探测器"),
    "pharma": ("原料药", "生物制剂", "医疗器械", "中药饮片", "体外诊断试剂", "制剂车间"),
    "smart_manufacturing": (
        "数控机床",
        "工业机器人",
        "智能装备",
        "精密轴承",
        "汽车零部件",
        "液压元件",
    ),
    "big_data": ("数据中心", "云计算中心", "工业互联网平台", "智慧城市运营中心"),
    "livelihood": ("安置小区", "中小学", "社区医院", "污水处理厂", "城市道路", "农贸市场"),
    "other": ("物流园", "商业综合体", "科创孵化器", "人才公寓"),
}

SUFFIXES = ("项目", "产业园", "生产基地", "二期工程", "扩建项目", "技改项目")
LIVELIHOOD_SUFFIXES = ("工程", "建设项目", "改造工程", "新建工程")

UNITS = (
    "区发改局",
    "区工信局",
    "区科技局",
    "区商务局",
    "区住建局",
    "区自然资源局",
    "区生态环境分局",
    "区财政局",
    "区人社局",
    "区交通运输局",
    "区水务局",
    "区投资促进中心",
    "区行政审批服务局",
    "区大数据中心",
    "东湖街道",
    "西岭街道",
    "南苑街道",
    "北辰街道",
    "青山镇",
    "高铁新区管委会",
)
"""帮包单位: the district offices and streets that each carry a share of the list."""

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
TITLES = ("区长", "常务副区长", "副区长", "工委副书记", "管委会副主任")

NOTES = (
    "主体结构施工",
    "设备进场安装",
    "钢结构吊装",
    "基础开挖",
    "混凝土浇筑",
    "雨天停工半日",
    "室外管网施工",
    "装饰装修",
    "设备调试",
    "厂区道路硬化",
    "待付进度款",
    "夜间施工许可已办理",
)
LATE_NOTES = ("补报", "迟报: 统计人员出差", "补报: 系统故障未能按时填报", "补报上周数据")
FIRST_NOTE = "年初至今累计补录"

CORRECTION_REASONS = (
    "监理核定工程量调整",
    "重复填报, 予以更正",
    "小数点错位, 更正",
    "统计口径核对: 不含土地款",
    "财务结算补差",
    "审计核减",
)

REVISION_REASONS = (
    "年中调整: 受疫情影响, 调减年度计划",
    "年中调整: 资金到位加快, 调增年度计划",
    "年中调整: 二期推迟至明年",
    "三季度调整: 设备采购延期",
)

TERMINATION_REASONS = (
    "投资方调整战略, 项目退出",
    "未取得用地指标, 项目终止",
    "企业资金链断裂, 项目停建",
    "规划调整, 项目移出清单",
)

FACTOR_DETAILS: dict[str, tuple[str, ...]] = {
    "land": ("{n} 亩建设用地供地手续", "用地预审与选址意见", "不动产权证办理"),
    "energy": ("新增能耗指标 {n} 吨标煤", "节能审查意见"),
    "environment": ("环评批复", "排污许可证办理"),
    "water": ("取水许可", "供水管网接入"),
    "power": ("10kV 双回路接入", "临时施工用电 {n} kVA", "35kV 专线送电"),
    "gas_heat": ("天然气管道接入", "集中供热接入"),
    "road_pipe": ("厂区外道路打通", "雨污管网接入"),
    "finance": ("流动资金贷款 {n} 万元", "设备融资租赁 {n} 万元", "专项债资金拨付"),
    "labour": ("招聘技术工人 {n} 名", "农民工返岗 {n} 名"),
    "approval": ("施工许可证并联审批", "规划许可证办理", "消防设计审查"),
    "demolition": ("地上附着物清表", "{n} 户拆迁安置"),
    "other": ("周边群众协调", "夜间施工协调"),
}

HANDLERS: dict[str, str] = {
    "land": "区自然资源局",
    "energy": "区发改局",
    "environment": "区生态环境分局",
    "water": "区水务局",
    "power": "区供电公司",
    "gas_heat": "区住建局",
    "road_pipe": "区住建局",
    "finance": "区财政局",
    "labour": "区人社局",
    "approval": "区行政审批服务局",
    "demolition": "青山镇",
    "other": "区重点项目办",
}
"""Who answers a request, by category: the actor of its extensions and its resolution."""

RESOLVED_NOTES = ("已协调解决", "已办结", "容缺受理, 已发证", "已送达", "已完成")
REJECTED_NOTES = ("不符合政策, 不予支持", "指标不足, 暂缓", "项目终止, 诉求撤销")
EXTENSION_REASONS = ("需报上级部门审批", "需省厅批复指标", "企业材料补正中", "施工窗口期推迟")
ESCALATION_NOTES = ("下发督办单", "约谈责任单位, 分管领导督办", "区委区政府挂牌督办")
OFFICE = "区重点项目办"
INSPECTORS = "区督查室"
