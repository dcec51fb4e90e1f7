"""V2021: 国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》.

Report years 2021 and later. Every label below is character for character the
printed format (shared/reference/format.md §3, confirmed by published reports).
Written out in full, without reference to v2019.py, so that a diff of the two
modules reads as the official changelog.
"""

from __future__ import annotations

from xlreport.model.spec import (
    Check,
    Field,
    GridCell,
    ReportFormat,
    Section,
    SubTable,
    Term,
    TextField,
    ValueType,
)
from xlreport.model.formats._build import (
    meta_fields,
    outcome_groups,
    previous_t3,
    review_groups,
    table2,
    table3,
    table4,
)

VERSION = "2021"
SOURCE = "国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》"

SECTIONS = (
    Section("一", "一、总体情况", "text.overview"),
    Section("二", "二、主动公开政府信息情况", table="t2"),
    Section("三", "三、收到和处理政府信息公开申请情况", table="t3"),
    Section("四", "四、政府信息公开行政复议、行政诉讼情况", table="t4"),
    Section("五", "五、存在的主要问题及改进情况", "text.problems"),
    Section("六", "六、其他需要报告的事项", "text.other"),
)

# 30号「一、报告内容」: 主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障.
TEXTS = (
    TextField("text.overview", "一、总体情况", "总体情况综述（可选，位于各小标题之前）",
              section="一", name="overview"),
    TextField("text.overview.proactive", "（一）主动公开",
              section="一", name="proactive", parent="text.overview"),
    TextField("text.overview.on_request", "（二）依申请公开",
              "收到和处理申请的数据段落由表三自动生成，此处填写其后的文字，不必重复受理、办结等数字",
              section="一", name="on_request", parent="text.overview"),
    TextField("text.overview.management", "（三）政府信息管理",
              section="一", name="management", parent="text.overview"),
    TextField("text.overview.platform", "（四）政府信息公开平台建设",
              section="一", name="platform", parent="text.overview"),
    TextField("text.overview.supervision", "（五）监督保障",
              "各级人民政府还应报告工作考核、社会评议和责任追究结果情况",
              section="一", name="supervision", parent="text.overview"),
    TextField("text.problems", "五、存在的主要问题及改进情况", "写明本机关存在的主要问题、改进措施及上年问题整改情况",
              section="五", name="problems"),
    TextField("text.other", "六、其他需要报告的事项", "信息处理费情况由下方数字自动生成一句，此处填写其他事项",
              section="六", name="other"),
)

# --- Table 二 (format.md §3.3) ---------------------------------------------
T2_BLOCKS: list[SubTable] = [
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), [
        ("规章", "rules", ("issued", "repealed", "in_force")),
        ("行政规范性文件", "normative_docs", ("issued", "repealed", "in_force")),
    ]),
    ("第二十条第（五）项", ("本年处理决定数量",), [
        ("行政许可", "licensing", ("decisions",)),
    ]),
    ("第二十条第（六）项", ("本年处理决定数量",), [
        ("行政处罚", "penalty", ("decisions",)),
        ("行政强制", "coercion", ("decisions",)),
    ]),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), [
        ("行政事业性收费", "fees", ("amount",)),
    ]),
]
T2_TYPES: dict[str, ValueType] = {"t2.fees.amount": "decimal"}
T2_UNITS = {"t2.fees.amount": "万元"}

# --- Table 三 (format.md §2.4, §3.4) ----------------------------------------
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_HEADER = [
    GridCell(0, 0, "note", T3_NOTE, rowspan=3, colspan=3),
    GridCell(0, 3, "header", "申请人情况", colspan=7),
    GridCell(1, 3, "header", "自然人", rowspan=2),
    GridCell(1, 4, "header", "法人或其他组织", colspan=5),
    GridCell(1, 9, "header", "总计", rowspan=2),
    GridCell(2, 4, "header", "商业企业"),
    GridCell(2, 5, "header", "科研机构"),
    GridCell(2, 6, "header", "社会公益组织"),
    GridCell(2, 7, "header", "法律服务机构"),
    GridCell(2, 8, "header", "其他"),
]
T3_COLS = [
    ("natural_person", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("social_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
]
R = "三、本年度办理结果"
T3_ROWS = [
    ("new", ("一、本年新收政府信息公开申请数量",)),
    ("carried_over", ("二、上年结转政府信息公开申请数量",)),
    ("granted", (R, "（一）予以公开")),
    ("partly_granted", (R, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    ("denied.state_secret", (R, "（三）不予公开", "1.属于国家秘密")),
    ("denied.prohibited_by_law", (R, "（三）不予公开", "2.其他法律行政法规禁止公开")),
    ("denied.security_stability", (R, "（三）不予公开", "3.危及“三安全一稳定”")),
    ("denied.third_party_rights", (R, "（三）不予公开", "4.保护第三方合法权益")),
    ("denied.internal_affairs", (R, "（三）不予公开", "5.属于三类内部事务信息")),
    ("denied.process_info", (R, "（三）不予公开", "6.属于四类过程性信息")),
    ("denied.enforcement_files", (R, "（三）不予公开", "7.属于行政执法案卷")),
    ("denied.query_matters", (R, "（三）不予公开", "8.属于行政查询事项")),
    ("unable.not_held", (R, "（四）无法提供", "1.本机关不掌握相关政府信息")),
    ("unable.needs_creation", (R, "（四）无法提供", "2.没有现成信息需要另行制作")),
    ("unable.still_unclear", (R, "（四）无法提供", "3.补正后申请内容仍不明确")),
    ("not_processed.petition", (R, "（五）不予处理", "1.信访举报投诉类申请")),
    ("not_processed.repeated", (R, "（五）不予处理", "2.重复申请")),
    ("not_processed.publication", (R, "（五）不予处理", "3.要求提供公开出版物")),
    ("not_processed.excessive", (R, "（五）不予处理", "4.无正当理由大量反复申请")),
    ("not_processed.reconfirm", (R, "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息")),
    ("other_handling.no_correction",
     (R, "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
    ("other_handling.unpaid_fee",
     (R, "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
    ("other_handling.other", (R, "（六）其他处理", "3.其他")),
    ("total", (R, "（七）总计")),
    ("carried_forward", ("四、结转下年度继续办理",)),
]
T3_RESULT_ROWS = [k for k, path in T3_ROWS if path[0] == R and k != "total"]

# --- Table 四 (format.md §2.5; unchanged from V2019) ------------------------
T4_HEADER = [
    GridCell(0, 0, "header", "行政复议", colspan=5),
    GridCell(0, 5, "header", "行政诉讼", colspan=10),
    GridCell(1, 0, "header", "结果维持", rowspan=2),
    GridCell(1, 1, "header", "结果纠正", rowspan=2),
    GridCell(1, 2, "header", "其他结果", rowspan=2),
    GridCell(1, 3, "header", "尚未审结", rowspan=2),
    GridCell(1, 4, "header", "总计", rowspan=2),
    GridCell(1, 5, "header", "未经复议直接起诉", colspan=5),
    GridCell(1, 10, "header", "复议后起诉", colspan=5),
    GridCell(2, 5, "header", "结果维持"),
    GridCell(2, 6, "header", "结果纠正"),
    GridCell(2, 7, "header", "其他结果"),
    GridCell(2, 8, "header", "尚未审结"),
    GridCell(2, 9, "header", "总计"),
    GridCell(2, 10, "header", "结果维持"),
    GridCell(2, 11, "header", "结果纠正"),
    GridCell(2, 12, "header", "其他结果"),
    GridCell(2, 13, "header", "尚未审结"),
    GridCell(2, 14, "header", "总计"),
]
T4_GROUPS = [
    ("review", "行政复议"),
    ("suit_direct", "行政诉讼（未经复议直接起诉）"),
    ("suit_after_review", "行政诉讼（复议后起诉）"),
]
T4_COLS = [("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
           ("pending", "尚未审结"), ("total", "总计")]

# --- Section 六: 信息处理费 (条例 第四十二条; 国办函〔2020〕109号) ----------------
FEE_FIELDS = [
    Field("fee.count", "fee", "六、其他需要报告的事项 收取信息处理费的申请件数", "int", required=False,
          label="收取信息处理费的申请件数", place="六、其他需要报告的事项", row=("收取信息处理费的申请件数",),
          row_key=("count",)),
    Field("fee.amount_yuan", "fee", "六、其他需要报告的事项 收取信息处理费金额", "decimal", required=False,
          unit="元", label="收取信息处理费金额（元）", place="六、其他需要报告的事项", row=("收取信息处理费金额",),
          row_key=("amount_yuan",)),
]

t2, t2_fields = table2("表二", SECTIONS[1].heading, T2_BLOCKS, T2_TYPES, T2_UNITS)
t3, t3_fields, t3_checks = table3("表三", SECTIONS[2].heading, T3_HEADER, T3_ROWS, T3_COLS, T3_RESULT_ROWS)
t4, t4_fields = table4("表四", SECTIONS[3].heading, T4_HEADER, T4_GROUPS, T4_COLS)

PREVIOUS = previous_t3(T3_COLS) + [
    Field(f"previous.t2.{item}.in_force", "previous", f"上年数据 表二 “{label}” 现行有效件数", required=False,
          place="上年数据 表二", row=(label,), column=("现行有效件数",), row_key=("t2", item), col_key="in_force")
    for item, label in (("rules", "规章"), ("normative_docs", "行政规范性文件"))
]

T2_CHECKS = [
    Check("t2-rules-authority", (), tuple(Term(f"t2.rules.{k}") for k in ("issued", "repealed", "in_force")),
          "表二 第二十条第（一）项 “规章”：封面“有规章制定权”为“否”，但规章件数之和为{actual}，请核对"
          "（只有国务院部门、省级政府和设区的市、自治州人民政府制定规章）", unless_can_make_rules=True),
] + [
    Check("t2-in-force-continuity",
          (Term(f"previous.t2.{item}.in_force"), Term(f"t2.{item}.issued"), Term(f"t2.{item}.repealed", -1)),
          (Term(f"t2.{item}.in_force"),),
          f"表二 “{label}”：现行有效件数（{{actual}}）不等于上年现行有效件数加本年制发件数减本年废止件数"
          f"（{{expected}}），请核对，确有原因（如文件到期自动失效）的请在报告中说明")
    for item, label in (("rules", "规章"), ("normative_docs", "行政规范性文件"))
]

FORMAT = ReportFormat(
    version=VERSION,
    first_year=2021,
    last_year=None,
    source=SOURCE,
    sections=SECTIONS,
    texts=TEXTS,
    tables=(t2, t3, t4),
    fields=(*meta_fields(), *t2_fields, *t3_fields, *t4_fields, *FEE_FIELDS),
    checks=(*t3_checks, *T2_CHECKS),
    previous=tuple(PREVIOUS),
    outcomes=outcome_groups(T3_ROWS, T3_RESULT_ROWS),
    review_groups=review_groups(T4_GROUPS, T4_COLS),
    review_parts=tuple((c, label) for c, label in T4_COLS if c != "total"),
    overview_subheadings="always",
)
