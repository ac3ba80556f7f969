"""Interface strings: key -> (中文, English). Templates call ``t(key)``."""

from pacer.analysis import STATUS_WORDS, Status
from pacer.web.messages_audit import AUDIT_MESSAGES
from pacer.web.messages_board import BOARD_MESSAGES
from pacer.web.messages_flow import FLOW_MESSAGES
from pacer.web.messages_library import LIBRARY_MESSAGES
from pacer.web.messages_meetings import MEETING_MESSAGES
from pacer.web.messages_monitor import MONITOR_MESSAGES
from pacer.web.messages_org import ORG_MESSAGES
from pacer.web.messages_quality import QUALITY_MESSAGES
from pacer.web.messages_reports import REPORT_MESSAGES
from pacer.web.messages_spc import SPC_MESSAGES
from pacer.web.messages_submissions import SUBMISSION_MESSAGES
from pacer.web.messages_tasks import TASK_MESSAGES
from pacer.web.messages_upload import UPLOAD_MESSAGES

MESSAGES: dict[str, tuple[str, str]] = {
    # chrome
    "app.name": ("Pacer 经营管理平台", "Pacer"),
    "app.tagline": ("集团经营管理", "Group operations management"),
    "nav.cockpit": ("驾驶舱", "Cockpit"),
    "nav.admin": ("用户与权限", "Users & roles"),
    "nav.account": ("我的账户", "My account"),
    "nav.api": ("API 文档", "API docs"),
    "nav.sign_out": ("退出", "Sign out"),
    "nav.skip": ("跳到正文", "Skip to content"),
    "nav.main": ("主导航", "Main"),
    "nav.pages": ("本栏页面", "Pages of this section"),
    "nav.section.analysis": ("经营分析", "Analysis"),
    "nav.section.collection": ("月度填报", "Collection"),
    "nav.section.followup": ("督办", "Follow-up"),
    "nav.section.configuration": ("指标与目标", "Indicators & targets"),
    "nav.section.admin": ("系统管理", "Administration"),
    "nav.submissions": ("月报填报", "Monthly reports"),
    "nav.monitor": ("报送监控", "Reporting monitor"),
    "nav.meetings": ("会议", "Meetings"),
    "nav.tasks": ("督办事项", "Tasks"),
    "docs.back": ("返回 Pacer 经营管理平台", "Back to Pacer"),
    "nav.language": ("语言", "Language"),
    "lang.zh": ("中文", "中文"),
    "lang.en": ("English", "English"),
    "common.save": ("保存", "Save"),
    "common.none": ("无", "None"),
    "common.back": ("返回", "Back"),
    "common.export": ("导出 Excel", "Export to Excel"),
    "common.print": ("打印", "Print"),
    "common.show": ("显示", "Show"),
    "common.unit": ("单位", "Unit"),
    "common.indicator": ("指标", "Indicator"),
    "common.period": ("期间", "Period"),
    "common.yes": ("是", "yes"),
    "common.no": ("否", "no"),
    "common.created": ("创建时间", "Created"),
    "common.actions": ("操作", "Actions"),
    # errors
    "error.title": ("出错了", "Something went wrong"),
    "error.404": ("找不到该页面或您无权查看。", "Not found, or not yours to see."),
    "error.403": ("您无权执行此操作。", "You are not allowed to do this."),
    "error.429": ("尝试次数过多，请稍后再试。", "Too many attempts; try again later."),
    "error.400": ("请求有误。", "The request is not valid."),
    "error.csrf": (
        "表单已过期或不是从 Pacer 提交的（CSRF 校验失败），请刷新页面后重试。",
        "The form has expired or did not come from Pacer (CSRF check failed); reload the page and try again.",
    ),
    "error.405": ("不支持该操作。", "This action is not supported here."),
    "error.409": ("操作与当前数据冲突。", "This conflicts with the current data."),
    "error.413": ("提交的内容过大。", "What was sent is too large."),
    "error.422": ("请求参数有误，请检查后重试。", "A parameter of the request is not valid."),
    "error.500": ("服务器内部错误，详情已记入服务器日志。", "Internal error; the details are in the server log."),
    "error.home": ("返回首页", "Back to the start page"),
    # sign-in
    "login.title": ("登录", "Sign in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("用户名或密码不正确。", "Wrong username or password."),
    "login.throttled": (
        "登录失败次数过多，请 {minutes} 分钟后再试。",
        "Too many failed sign-ins; try again in {minutes} minutes.",
    ),
    "login.signed_out": ("您已退出。", "You have signed out."),
    "login.expired": ("登录已过期，请重新登录。", "Your session has expired; please sign in again."),
    # account
    "account.title": ("我的账户", "My account"),
    "account.language": ("界面语言", "Interface language"),
    "account.password": ("修改密码", "Change password"),
    "account.current_password": ("当前密码", "Current password"),
    "account.new_password": ("新密码（至少 8 位）", "New password (8 characters or more)"),
    "account.password_changed": (
        "密码已修改，其他设备上的登录和全部 API 令牌已失效。",
        "Password changed; sign-ins on other devices and every API token have ended.",
    ),
    "account.grants": ("我的角色", "My roles"),
    "account.tokens": ("API 令牌", "API tokens"),
    "account.tokens_help": (
        "供程序调用 JSON API：请求头 {header}。令牌只显示一次；只能在此页面创建，修改密码后全部失效。",
        "For programs calling the JSON API: header {header}. A token is shown once only;"
        " tokens are created on this page only and all end when the password changes.",
    ),
    "account.token_word": ("令牌", "token"),
    "account.token_name": ("令牌名称", "Token name"),
    "account.token_days": (
        "有效天数（最长 {days} 天，留空即 {days} 天）",
        "Valid for days (at most {days}; empty: {days})",
    ),
    "account.token_create": ("创建令牌", "Create token"),
    "account.token_created": (
        "新令牌（请立即复制，之后不再显示）：",
        "New token (copy it now; it will not be shown again):",
    ),
    "account.token_revoke": ("撤销", "Revoke"),
    "account.token_revoked": ("已撤销", "revoked"),
    "account.token_prefix": ("前缀", "Prefix"),
    "account.token_last_used": ("最近使用", "Last used"),
    "account.token_expires": ("到期", "Expires"),
    "account.no_tokens": ("尚无令牌。", "No tokens yet."),
    # admin
    "admin.title": ("用户与权限", "Users and roles"),
    "admin.username": ("用户名", "Username"),
    "admin.display_name": ("姓名", "Name"),
    "admin.active": ("启用", "Active"),
    "admin.grants": ("角色授权", "Role grants"),
    "admin.role": ("角色", "Role"),
    "admin.unit_code": ("单位代码（含下级）", "Unit code (with its subtree)"),
    "admin.add_grant": ("授予角色", "Grant role"),
    "admin.revoke": ("收回", "Revoke"),
    "admin.new_user": ("新建用户", "New user"),
    "admin.new_user_help": (
        "仅管理某个下级单位的管理员须同时授予新用户本单位范围内的角色；所有角色都在您管理范围内的用户才由您管理。",
        "An administrator of a part of the group gives a new user a role there at once;"
        " you manage the users all of whose roles lie where you administer.",
    ),
    "admin.create": ("创建", "Create"),
    "admin.initial_password": ("初始密码", "Initial password"),
    "admin.set_password": ("重置密码", "Reset password"),
    "admin.deactivate": ("停用", "Deactivate"),
    "admin.activate": ("启用", "Activate"),
    "admin.saved": ("已保存。", "Saved."),
    "admin.refused.own_administration": (
        "不能收回您自己的管理员权限，请由其他管理员操作。",
        "You cannot take back your own administration; another administrator can.",
    ),
    "admin.refused.deactivate_self": ("不能停用您自己的账户。", "You cannot deactivate yourself."),
    "admin.refused.last_administrator": (
        "“{username}”是“{unit}”的最后一位管理员，请先把该角色授予其他人。",
        "'{username}' is the last administrator of '{unit}'; grant the role to someone else first.",
    ),
    "role.group_admin": ("集团管理员", "Group administrator"),
    "role.hq_analyst": ("总部分析员", "HQ analyst"),
    "role.supervisor": ("督办人员", "Supervisor"),
    "role.unit_reporter": ("单位填报员", "Unit reporter"),
    "role.unit_approver": ("单位审核人", "Unit approver"),
    "role.quality_engineer": ("质量工程师", "Quality engineer"),
    "role.viewer": ("查看者", "Viewer"),
}

MESSAGES.update(
    {
        # cockpit
        "cockpit.title": ("驾驶舱", "Cockpit"),
        "cockpit.status": ("状态", "Status"),
        "cockpit.more": ("显示最严重的 {shown} 项，共 {total} 项。", "The worst {shown} of {total} shown."),
        "cockpit.period": ("期间", "Period"),
        "cockpit.go": ("查看", "Show"),
        "cockpit.ytd": ("本年累计", "Year to date"),
        "cockpit.month_value": ("本月", "This month"),
        "cockpit.yoy": ("同比", "YoY"),
        "cockpit.completion": ("完成率", "Completion"),
        "cockpit.time_progress": ("时间进度", "Time progress"),
        "cockpit.gap": ("进度差", "Gap"),
        "cockpit.target": ("目标", "Target"),
        "cockpit.no_target": ("未设目标", "no target"),
        "cockpit.children": ("下级单位排名", "Units ranked"),
        "cockpit.rank": ("名次", "Rank"),
        "cockpit.rank_by": ("排名指标", "Rank on"),
        "cockpit.trend12": ("近12个月", "Last 12 months"),
        "cockpit.off_track": ("预警清单", "Off-track list"),
        "cockpit.off_track_none": ("没有滞后或需关注的单位。", "No unit is off track or on watch."),
        "cockpit.bridge": ("同比变动贡献", "Contribution to the YoY change"),
        "cockpit.share": ("贡献占比", "Share"),
        "cockpit.contribution": ("拉动（百分点）", "Contribution (pp)"),
        "cockpit.pp": ("百分点", "pp"),
        "cockpit.outlook": ("年末预测", "Year-end outlook"),
        "cockpit.forecast": ("预测值", "Forecast"),
        "cockpit.interval": ("80% 区间", "80 % interval"),
        "cockpit.p_ensure": ("完成确保概率", "P(ensure)"),
        "cockpit.p_strive": ("完成力争概率", "P(strive)"),
        "cockpit.not_reported": ("本期未报送单位", "Not yet reported this period"),
        "cockpit.month_incomplete": (
            "{period} 仍在报送中：应报送的 {expected} 家单位中已有 {reported} 家报送，本页数据尚不完整。",
            "{period} is still being reported: {reported} of the {expected}"
            " units that should report it have; the figures on this page are incomplete.",
        ),
        "cockpit.all_reported": ("上月有数据的单位均已报送。", "Every unit with figures last month has reported."),
        "cockpit.no_children": ("该单位没有下级单位。", "This unit has no subordinate units."),
        "cockpit.no_units": ("尚未给您授权任何单位。", "No unit has been granted to you yet."),
        "cockpit.my_units": ("我的单位", "My units"),
        "cockpit.last_year": ("上年同期", "Same period last year"),
        "cockpit.value": ("当月值", "Month"),
        "cockpit.months": ("月度明细", "Monthly figures"),
        "cockpit.trend": ("趋势", "Trend"),
        "cockpit.own_line": ("本级", "Own figures"),
        "cockpit.own_and_eliminations": ("本级及抵销", "Own and eliminations"),
        "cockpit.total": ("合计", "Total"),
        "cockpit.key": ("主要指标", "Key indicators"),
        "export.code": ("单位代码", "Code"),
        "cockpit.actual": ("实际值", "Actual"),
        "cockpit.measure.flow": ("本年累计", "Year to date"),
        "cockpit.measure.stock": ("期末余额", "Period end"),
        "cockpit.measure.derived": ("实际值", "Actual"),
        "cockpit.balance": ("期末", "period end"),
        "cockpit.eliminations_line": ("内部抵销", "Intra-group eliminations"),
        "cockpit.outside_line": ("现不在您权限范围内的单位", "Units now outside your view"),
        "cockpit.need": ("剩余月份月均需完成", "Needed per remaining month"),
        "cockpit.sections": ("本页内容", "On this page"),
        "tier.ensure": ("确保", "Ensure"),
        "tier.strive": ("力争", "Strive"),
        "basis.linear": ("按时间均衡", "linear"),
        "basis.phasing": ("按目标分解", "target phasing"),
        "basis.history": ("按历史季节性", "seasonal"),
        "bridge.own": ("本级", "Own figures"),
        "bridge.eliminations": ("内部抵销", "Intra-group eliminations"),
        "bridge.outside": ("现不在您权限范围内的单位", "Units now outside your view"),
        "chart.month": ("月份", "Month"),
        "chart.trend": ("{name}：本年与上年各月", "{name}: months this year and last"),
        "chart.cumulative": ("{name}：累计完成与目标进度", "{name}: year to date against the target path"),
        "chart.bridge": ("{name}：同比变动来自哪些单位", "{name}: where the YoY change came from"),
        "chart.no_bridge": ("无上年数据", "No figures for last year"),
        "chart.outlook": ("年末预测（占确保目标 %）", "Year-end forecast (% of the ensure target)"),
        "chart.outlook_axis": ("占确保目标 %", "% of the ensure target"),
        "chart.history": ("{name}：近五年各月", "{name}: months of the last five years"),
        "chart.actual": ("本年累计", "Year to date"),
        "chart.last_year": ("上年", "Last year"),
        "chart.this_year": ("本年", "This year"),
        "chart.image": ("图表（静态图）", "Chart (static image)"),
        "chart.axis_cut": ("纵轴不从零开始", "axis does not start at zero"),
        "chart.other_units": ("其他 {count} 个单位", "{count} other units"),
    }
)

# one word per status, the same as the terminal's and the exports'
MESSAGES.update({f"status.{s.value}": STATUS_WORDS[s] for s in Status})

# who reports what (indicator assignment)
MESSAGES.update(
    {
        "cockpit.missing_figures": ("尚缺：{names}", "missing: {names}"),
        "common.list_sep": ("、", ", "),
        "nav.assignments": ("填报分配", "Who reports what"),
        "assign.title": ("填报分配：各单位填报哪些指标", "Who reports what"),
        "assign.intro": (
            "指标集按单位类型、标签或单个单位分配，自某月起生效；单位自身的规则优先于标签规则，标签规则优先于类型规则，"
            "同一层级中“不填报”优先。没有任何规则的单位填报全部填报指标。",
            "Indicator sets are assigned by unit kind, tag or single unit from a month on; a unit's own rules "
            "come before tag rules, which come before kind rules, and at the same level an exclusion wins. A unit "
            "without rules reports every reported indicator.",
        ),
        "assign.month": ("月份", "Month"),
        "assign.unit_code": ("单位代码", "Unit code"),
        "assign.unit_reports": (
            "{unit} 在 {period} 填报 {count} 项指标",
            "{unit} reports {count} indicators in {period}",
        ),
        "assign.derived": ("计算得出", "derived"),
        "assign.reports_nothing": ("该单位本月不填报任何指标。", "The unit reports nothing this month."),
        "assign.rules_reaching": ("适用于该单位的规则", "Rules reaching this unit"),
        "assign.no_rules_everything": (
            "没有规则：填报全部填报指标。",
            "No rules: every reported indicator is reported.",
        ),
        "assign.in_force": ("{period} 生效的规则", "Rules in force in {period}"),
        "assign.none_in_force": ("该月没有生效的规则。", "No rule is in force in this month."),
        "assign.history": ("全部规则（含已停止的）", "Every rule, closed ones included"),
        "assign.id": ("规则编号", "Rule"),
        "assign.effect": ("作用", "Effect"),
        "assign.effect.assign": ("填报", "assign"),
        "assign.effect.exclude": ("不填报", "exclude"),
        "assign.target": ("指标集 / 指标", "Set / indicator"),
        "assign.target_kind": ("分配对象", "Assign what"),
        "assign.set": ("指标集", "Indicator set"),
        "assign.one_indicator": ("单个指标", "One indicator"),
        "assign.indicator_code": ("指标代码", "Indicator code"),
        "assign.applies_to": ("适用单位", "Applies to"),
        "assign.selector.kind": ("单位类型", "Unit kind"),
        "assign.selector.tag": ("标签", "Tag"),
        "assign.selector.unit": ("单位", "Unit"),
        "assign.tag": ("标签（键=值）", "Tag (key=value)"),
        "assign.from": ("起始月", "From"),
        "assign.to": ("截止月", "To"),
        "assign.to_optional": ("截止月（可空）", "To (optional)"),
        "assign.reason": ("原因", "Reason"),
        "assign.by": ("设置人", "By"),
        "assign.closed_because": ("{who} 停止：{why}", "closed by {who}: {why}"),
        "assign.add": ("新增规则", "Add a rule"),
        "assign.add_button": ("新增", "Add"),
        "assign.add_help": (
            "只填写与所选“分配对象”和“适用单位”对应的字段；其余字段会被忽略。",
            "Only the fields matching the chosen 'assign what' and 'applies to' are read; the others are ignored.",
        ),
        "assign.close": ("停止规则", "Close a rule"),
        "assign.close_from": ("自该月起停止", "No longer applies from"),
        "assign.close_button": ("停止", "Close"),
        "unit_kind.group": ("集团", "group"),
        "unit_kind.headquarters": ("本部", "headquarters"),
        "unit_kind.academy": ("研究院", "academy"),
        "unit_kind.company": ("公司", "company"),
        "unit_kind.institute": ("研究所", "institute"),
        "unit_kind.factory": ("工厂", "factory"),
        "unit_kind.college": ("学院", "college"),
        "unit_kind.department": ("部门", "department"),
        "unit_kind.center": ("中心", "center"),
        "unit_kind.elimination": ("抵销单位", "elimination unit"),
    }
)

# the inbox, the workflow machinery and the target round
MESSAGES.update(FLOW_MESSAGES)
MESSAGES.update(MONITOR_MESSAGES)
MESSAGES.update(BOARD_MESSAGES)
MESSAGES.update(AUDIT_MESSAGES)

MESSAGES.update(
    {
        # targets
        "nav.targets": ("年度目标", "Targets"),
        "targets.title": ("年度目标", "Annual targets"),
        "targets.heading": ("{year}年度目标：{unit}", "Targets {year}: {unit}"),
        "targets.choose": ("选择年度和单位", "Choose a year and a unit"),
        "targets.year": ("年度", "Year"),
        "targets.unit": ("单位", "Unit"),
        "targets.set": ("指标范围", "Indicators"),
        "targets.set_default": ("填报指标及关键派生指标", "Reported and key derived indicators"),
        "targets.open": ("打开", "Open"),
        "targets.last_year": ("上年实际", "Last year"),
        "targets.ensure": ("确保目标", "Ensure"),
        "targets.strive": ("力争目标", "Strive"),
        "targets.basis": ("填报口径", "Entered as"),
        "targets.basis.absolute": ("目标值", "value"),
        "targets.basis.growth": ("增长率 %", "growth %"),
        "targets.phasing": ("月度分解", "Monthly phasing"),
        "targets.phasing.keep": ("不变", "unchanged"),
        "targets.phasing.linear": ("均衡分解", "linear"),
        "targets.phasing.last_year": ("按上年季节性", "seasonal"),
        "targets.phasing.typed": ("手工填写", "typed"),
        "targets.phasing.none": ("未分解", "none"),
        "targets.phasing.stored": ("已存分解", "Stored phasing"),
        "targets.phasing.profile": ("上年各月占比", "Last year's monthly shares"),
        "targets.phasing.months": (
            "12 个百分比，以分号分隔，合计 100",
            "12 percentages separated by ';', adding up to 100",
        ),
        "targets.reason": ("调整原因", "Reason for a change"),
        "targets.reason_needed": ("修改已有目标须填写调整原因", "Changing an existing target needs a reason"),
        "targets.current": ("当前版本", "Current"),
        "targets.revision": ("第 {n} 版", "revision {n}"),
        "targets.no_target": ("未设", "not set"),
        "targets.save": ("保存目标", "Save targets"),
        "targets.saved": (
            "已保存：新设 {created} 项，修订 {revised} 项，未变 {unchanged} 项。",
            "Saved: {created} set, {revised} revised, {unchanged} unchanged.",
        ),
        "targets.problems": ("有 {n} 处问题，未保存任何内容：", "{n} problem(s); nothing was saved:"),
        "targets.expand": ("展开 {unit} 的下级单位", "Show the units under {unit}"),
        "targets.collapse": ("收起 {unit} 的下级单位", "Hide the units under {unit}"),
        "targets.gap": (
            "下级单位{tier}合计 {sum}，与本单位 {parent} 相差 {difference}",
            "Children's {tier} targets add up to {sum}, the unit's is {parent}: a difference of {difference}",
        ),
        "targets.gap_no_parent": (
            "下级单位{tier}合计 {sum}，本单位尚未设定",
            "Children's {tier} targets add up to {sum}; the unit has none",
        ),
        "targets.gap_missing": ("未设目标的下级单位：{units}", "Children without a target: {units}"),
        "targets.spread": ("分解到下级单位", "Spread over the children"),
        "targets.spread.last_year": ("按上年实际比例分解{tier}", "{tier} in proportion to last year"),
        "targets.spread.equal": ("平均分解{tier}", "{tier} equally"),
        "targets.spread_shown": (
            "已按所选方式把上级目标分解到下级单位的输入框中，尚未保存：请核对后保存。",
            "The parent's target is spread into the children's cells, not saved yet: check and save.",
        ),
        "targets.spread_warning": (
            "无法按上年比例分解，已平均分解。",
            "No usable figures for last year: spread equally.",
        ),
        "targets.read_only": ("您可以查看这些目标，但无权设定。", "You can read these targets but not set them."),
        "targets.excel": ("Excel", "Excel"),
        "targets.export": ("下载 Excel", "Download Excel"),
        "targets.import": ("上传 Excel 导入", "Upload Excel"),
        "targets.file": ("Excel 文件", "Excel file (.xlsx)"),
        "targets.months_total": ("合计", "Total"),
        "targets.measure": ("计量单位：{unit}", "Unit of measure: {unit}"),
        "targets.no_units": ("尚未给您授权任何单位。", "No unit has been granted to you yet."),
        "targets.warnings": ("提示：", "Note:"),
    }
)
MESSAGES.update(LIBRARY_MESSAGES)
MESSAGES.update(MEETING_MESSAGES)
MESSAGES.update(SUBMISSION_MESSAGES)
MESSAGES.update(TASK_MESSAGES | UPLOAD_MESSAGES | REPORT_MESSAGES | ORG_MESSAGES | QUALITY_MESSAGES | SPC_MESSAGES)
