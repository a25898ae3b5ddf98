"""The audit actions the institutions app writes: institutions, registrations, moves between regions,
invitations, rooms and classes (see tuoyu.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    REGISTER = "institution.register", _("登记托育机构")
    REGISTRATION_UPDATE = "institution.registration_update", _("按登记信息更新机构")
    REGION_TRANSFER = "institution.region_transfer", _("机构变更属地")
    FILING_OVERDUE = "institution.filing_overdue", _("机构逾期未备案")
    # The reveals of institutions.reveals.INSTITUTION_REVEAL.
    LEGAL_REP_ID_NUMBER_REVEAL = "institution.legal_rep_id_number_reveal", _("查看法定代表人身份证号明文")
    DIRECTOR_ID_NUMBER_REVEAL = "institution.director_id_number_reveal", _("查看负责人身份证号明文")
    PHONE_REVEAL = "institution.phone_reveal", _("查看机构联系电话明文")
    EXPORT = "institution.export", _("导出机构列表")
    PENDING_EXPORT = "institution.pending_export", _("导出待备案机构列表")
    REGISTRATION_RECEIVE = "registration.receive", _("接收登记信息")
    REGISTRATION_IMPORT = "registration.import", _("批量导入登记信息")
    # region_transfer.request, then region_transfer.<action> for each of TRANSFER_TRANSITIONS.
    TRANSFER_REQUEST = "region_transfer.request", _("申请变更属地")
    TRANSFER_APPROVE = "region_transfer.approve", _("批准变更属地")
    TRANSFER_REJECT = "region_transfer.reject", _("驳回变更属地")
    TRANSFER_SUPERSEDE = "region_transfer.supersede", _("变更属地申请被新登记取代")
    INVITATION_CREATE = "invitation.create", _("邀请机构管理员")
    INVITATION_ACCEPT = "invitation.accept", _("接受邀请")
    ROOM_CREATE = "room.create", _("新增房间")
    ROOM_UPDATE = "room.update", _("修改房间")
    ROOM_DELETE = "room.delete", _("删除房间")
    CLASS_CREATE = "class.create", _("开设班级")
    CLASS_UPDATE = "class.update", _("修改班级")
    CLASS_CLOSE = "class.close", _("撤班")
