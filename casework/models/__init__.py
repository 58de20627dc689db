"""Case records: the people served, their cases and the work of each case, group work, community
work and policy advocacy."""

from .advocacy import AdvocacyRecord
from .attachments import Attachment, ClientConsent
from .caseload import CaseloadEntry
from .cases import (
    AccessGrant,
    Assessment,
    AssessmentDomain,
    Case,
    CaseClient,
    CaseTransition,
    Closing,
    FollowUp,
    PlanGoal,
    PlanRound,
    PlanTask,
    Referral,
    ServiceNote,
    ServicePlan,
    SupervisorReview,
    Transfer,
)
from .clients import CaseworkPolicy, Client, HouseholdMember, VulnerabilityCategory
from .common import Approval, RiskLevel
from .community import CommunityActivity, Volunteer, VolunteerHours, VolunteerPairing
from .conflicts import FieldConflict
from .field import FieldEntry, HomeVisit
from .followups import EvaluationSample, SampledCase, SatisfactionAnswer, SatisfactionQuestion
from .groups import Group, GroupAttendance, GroupMember, GroupSession
from .labels import BreakGlass, LabelChange, LabelReason
from .merges import ClientMerge
from .subject_requests import SubjectRequest, SubjectRequestPolicy, SubjectRequestStep
from .tallies import ClientServed, StationTally

__all__ = [
    "BreakGlass", "LabelChange", "LabelReason", "AccessGrant", "AdvocacyRecord", "Approval", "Attachment", "ClientConsent", "Assessment", "AssessmentDomain", "Case", "CaseClient", "CaseloadEntry",
    "CaseTransition", "CaseworkPolicy", "Client", "ClientServed", "StationTally", "ClientMerge", "EvaluationSample", "FieldConflict", "FieldEntry", "HomeVisit", "SampledCase", "SatisfactionAnswer", "SatisfactionQuestion", "Closing", "CommunityActivity", "FollowUp", "Group",
    "GroupAttendance", "GroupMember", "GroupSession", "HouseholdMember", "PlanGoal", "PlanTask", "Referral",
    "PlanRound", "RiskLevel", "ServiceNote", "ServicePlan", "SubjectRequest", "SubjectRequestPolicy", "SubjectRequestStep", "SupervisorReview", "Transfer", "Volunteer", "VolunteerHours",
    "VolunteerPairing", "VulnerabilityCategory",
]  # fmt: skip
