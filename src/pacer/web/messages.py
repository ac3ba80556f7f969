"""Interface strings: key -> (中文, English). Templates call ``t(key)``."""

from pacer.web.messages_admin import ADMIN_MESSAGES
from pacer.web.messages_assessment import ASSESSMENT_MESSAGES
from pacer.web.messages_audit import AUDIT_MESSAGES
from pacer.web.messages_board import BOARD_MESSAGES
from pacer.web.messages_cockpit import COCKPIT_MESSAGES
from pacer.web.messages_commendations import COMMENDATION_MESSAGES
from pacer.web.messages_flow import FLOW_MESSAGES
from pacer.web.messages_library import LIBRARY_MESSAGES
from pacer.web.messages_meetings import MEETING_MESSAGES
from pacer.web.messages_monitor import MONITOR_MESSAGES
from pacer.web.messages_org import ORG_MESSAGES
from pacer.web.messages_quality import QUALITY_MESSAGES
from pacer.web.messages_reports import REPORT_MESSAGES
from pacer.web.messages_spc import SPC_MESSAGES
from pacer.web.messages_submissions import SUBMISSION_MESSAGES
from pacer.web.messages_targets import TARGET_MESSAGES
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
    "nav.section.quality": ("质量", "Quality"),
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
    "common.list_sep": ("、", ", "),
    "common.colon": ("：", ": "),
    "common.paren_open": ("（", " ("),
    "common.paren_close": ("）", ")"),
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
    "error.503": (
        "暂时无法连接数据库，本次操作未保存任何内容，请稍后重试。",
        "The database cannot be reached now; nothing was saved. Try again in a moment.",
    ),
    "error.507": (
        "服务器磁盘已满或无法写入，本次操作未保存任何内容；请管理员释放磁盘空间后重试。",
        "The server's disk is full or cannot be written; nothing was saved. Once space is freed, try again.",
    ),
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
    "login.with": ("使用 {name} 登录", "Sign in with {name}"),
    "account.password_elsewhere": (
        "您通过{how}登录，密码由该处管理，不在本系统修改。",
        "You sign in through {how}; your password is managed there, not here.",
    ),
    "login.or": ("或", "or"),
    "login.ldap_hint": (
        "可使用单位目录（LDAP）账号和密码登录。",
        "You can sign in with your directory (LDAP) username and password.",
    ),
    "login.sso.provider_unreachable": (
        "暂时无法连接身份提供方，请稍后再试或联系管理员。",
        "The identity provider cannot be reached; try again later or ask an administrator.",
    ),
    "login.sso.directory_unreachable": (
        "暂时无法连接用户目录（LDAP），请稍后再试或联系管理员。",
        "The user directory (LDAP) cannot be reached; try again later or ask an administrator.",
    ),
    "login.sso.provider_error": ("身份提供方拒绝了此次登录。", "The identity provider refused the sign-in."),
    "login.sso.bad_state": (
        "登录请求已失效或不是从本站发起的，请重新登录。",
        "The sign-in expired or was not started here; please sign in again.",
    ),
    "login.sso.bad_nonce": (
        "身份提供方的答复与本次登录不符，已拒绝。",
        "The identity provider's answer does not match this sign-in; it was refused.",
    ),
    "login.sso.expired_token": (
        "身份提供方的登录凭证已过期，请重新登录。",
        "The identity provider's sign-in token has expired; please sign in again.",
    ),
    "login.sso.bad_token": (
        "身份提供方的登录凭证无效（签名、签发方或接收方不符），已拒绝。",
        "The identity provider's sign-in token is not valid (signature, issuer or audience); it was refused.",
    ),
    "login.sso.not_registered": (
        "您尚未在本系统开通账户，请联系管理员。",
        "You have no account here yet; ask an administrator to create one.",
    ),
    "login.sso.username_taken": (
        "已有同名的其他账户，无法自动关联，请联系管理员。",
        "Another account already has this username; ask an administrator to link yours.",
    ),
    "login.sso.no_username": (
        "身份提供方没有提供可用的用户名，请联系管理员。",
        "The identity provider gave no usable username; ask an administrator.",
    ),
    "login.sso.inactive": ("此账户已停用。", "This account is deactivated."),
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
}

# each area's strings live beside the others in a module of their own; a key is defined once
for area in (
    ADMIN_MESSAGES,
    COCKPIT_MESSAGES,
    COMMENDATION_MESSAGES,
    FLOW_MESSAGES,
    MONITOR_MESSAGES,
    BOARD_MESSAGES,
    AUDIT_MESSAGES,
    TARGET_MESSAGES,
    LIBRARY_MESSAGES,
    MEETING_MESSAGES,
    SUBMISSION_MESSAGES,
    TASK_MESSAGES,
    UPLOAD_MESSAGES,
    REPORT_MESSAGES,
    ORG_MESSAGES,
    QUALITY_MESSAGES,
    SPC_MESSAGES,
    ASSESSMENT_MESSAGES,
):
    MESSAGES.update(area)
