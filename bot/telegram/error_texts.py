"""Library errors as the user reads them: the one place an exception becomes a sentence."""

from __future__ import annotations

from bot.home.accounts import NotLinked, SessionExpired
from bot.i18n import N_, _
from bot.iot import errors

# Specific cloud codes first; anything else falls back to its exception class below.
_BY_CODE: dict[str, str] = {
    "FailedOperation.DeviceOffline": N_("The device is offline, so it can't do that now."),
    "UnsupportedOperation.SceneRunInProgress": N_("This scene is already running."),
    "InvalidParameterValue.ShareDeviceTokenUsed": N_("This share link has already been used."),
    "InvalidParameterValue.InvalidShareDeviceToken": N_(
        "This share link is not valid any more. Ask for a new one."
    ),
    "InvalidParameterValue.CannotBindOwnDevice": N_("That's your own device already."),
    "InvalidParameterValue.DeviecBinded": N_("This device is already shared with you."),
    "LimitExceeded.FamilyDeviceExceedLimit": N_("This family has reached its device limit."),
    "InvalidParameterValue.PasswordError": N_("The password is not correct."),
    "InvalidParameterValue.ErrorUserNotExists": N_("No IoT Explorer account matches that."),
    "ResourceNotFound.ShareTokenExpired": N_("This invitation has expired. Ask for a new link."),
    "UnsupportedOperation.ShareTokenUsed": N_(
        "This invitation has already been used. Ask for a new link."
    ),
    "ResourceNotFound.ShareTokenNotExist": N_("This invitation is not valid. Ask for a new link."),
    "UnsupportedOperation.AlreadyFamilyMember": N_("You're already a member of this family."),
    "UnsupportedOperation.CannotJoinOwnFamily": N_("That's your own family."),
    "UnsupportedOperation.OwnerCannotExitFamily": N_(
        "As the family's admin you can't leave it; delete the family instead."
    ),
}

_BY_CLASS: tuple[tuple[type[Exception], str], ...] = (
    (errors.InvalidToken, N_("Your IoT Explorer session has ended. Please /login again.")),
    (
        errors.AuthFailure,
        N_("IoT Explorer refused this bot's app credentials. Please tell the bot's operator."),
    ),
    (errors.NoPermission, N_("You don't have permission to do that.")),
    (errors.NotFound, N_("That no longer exists; it may have been removed in another app.")),
    (errors.LimitExceeded, N_("An IoT Explorer limit was reached, so that can't be done.")),
    (errors.UnsupportedOperation, N_("That isn't possible here.")),
    (errors.OperationFailed, N_("IoT Explorer couldn't carry that out.")),
    (errors.InvalidParameter, N_("IoT Explorer refused that request as invalid.")),
    (errors.RequestTimeout, N_("IoT Explorer did not answer in time. Please try again.")),
    (errors.TransportError, N_("IoT Explorer can't be reached right now. Please try again soon.")),
    (errors.InternalError, N_("IoT Explorer had a problem on its side. Please try again soon.")),
    (
        errors.UnreadableReply,
        N_("IoT Explorer answered in a form this bot can't read. Please tell the bot's operator."),
    ),
    (errors.ApiError, N_("IoT Explorer refused that.")),
)


def describe(err: BaseException) -> str | None:
    """The translated sentence for a known error, or None for a bug (to apologise for instead)."""
    if isinstance(err, NotLinked):
        return _("You haven't linked an IoT Explorer account yet. Send /login to start.")
    if isinstance(err, SessionExpired):
        return _("Your IoT Explorer session has ended. Please /login again.")
    if not isinstance(err, errors.IotError):
        return None
    text = _BY_CODE.get(err.code) if isinstance(err, errors.ApiError) else None
    if text is None:
        text = (
            next(message for cls, message in _BY_CLASS if isinstance(err, cls))
            if isinstance(err, (errors.ApiError, errors.TransportError, errors.UnreadableReply))
            else N_("IoT Explorer refused that.")
        )
    sentence = _(text)
    request_id = getattr(err, "request_id", "")
    if request_id:
        sentence += " " + _("(request id {request_id})").format(request_id=request_id)
    return sentence
