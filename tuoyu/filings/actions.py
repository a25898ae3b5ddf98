"""The audit actions the filings app writes: filings (备案), their workflow, and non-compliance notices
(整改通知). See tuoyu.audit.registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    START = "filing.start", _("发起备案")
    ATTACH = "filing.attach", _("上传备案材料")
    CHANGE_SET = "filing.change_set", _("填写变更事项")
    FORM_SET = "filing.form_set", _("填写备案书")
    CANCELLATION_SET = "filing.cancellation_set", _("填写注销事项")
    # filing.<action> for each transition in filings.workflow.TRANSITIONS.
    SUBMIT = "filing.submit", _("提交备案")
    RETURN = "filing.return", _("退回备案")
    ACCEPT = "filing.accept", _("备案通过")
    WITHDRAW = "filing.withdraw", _("撤回备案")
    RECEIPT = "filing.receipt", _("下载备案回执")
    # institution.<source>: an accepted filing's values become the institution's (a revision's source).
    INSTITUTION_CHANGE_FILING = "institution.change_filing", _("变更备案生效，更新机构信息")
    INSTITUTION_INITIAL_FILING = "institution.initial_filing", _("备案书生效，更新机构信息")
    NOTICE_ISSUE = "notice.issue", _("下达整改通知")
    NOTICE_PUBLISH = "notice.publish", _("公开整改通知")
    NOTICE_RESPOND = "notice.respond", _("报告整改情况")
    NOTICE_CLOSE = "notice.close", _("关闭整改通知")
