"""The client's exception tree, and the table from the cloud's error Code to a class."""

from __future__ import annotations


class IotError(Exception):
    """Anything that went wrong talking to IoT Explorer."""


class TransportError(IotError):
    """The request did not get an answer: connection refused, reset, timed out or not JSON."""

    def __init__(self, message: str, *, action: str = "", request_id: str = "") -> None:
        super().__init__(message)
        self.action = action
        self.request_id = request_id


class RequestTimeout(TransportError):
    """No answer within the client's timeout."""


class UnreadableReply(IotError):
    """The cloud answered, but in none of the shapes it sends: a protocol mismatch, not retried."""

    def __init__(self, message: str, *, action: str = "", request_id: str = "") -> None:
        super().__init__(message)
        self.action = action
        self.request_id = request_id


class ApiError(IotError):
    """The cloud answered with ``Response.Error``; keeps its code, message and RequestId."""

    transient = False

    def __init__(
        self, code: str, message: str = "", *, request_id: str = "", action: str = ""
    ) -> None:
        super().__init__(f"{action or 'request'} failed: {code}: {message}".strip())
        self.code = code
        self.message = message
        self.request_id = request_id
        self.action = action


class InvalidToken(ApiError):
    """The AccessToken is unknown, malformed or expired: the user must sign in again."""


class AuthFailure(ApiError):
    """The app's own credentials were refused (bad signature, stale Timestamp, unknown AppKey)."""


class NoPermission(ApiError):
    """The user may not touch this device, family or resource."""


class NotFound(ApiError):
    """The device, family, room, timer, scene or token does not exist."""


class LimitExceeded(ApiError):
    """A quota was reached (devices per family, shares per device, ...)."""


class UnsupportedOperation(ApiError):
    """The operation does not apply here (not a gateway, scene already running, ...)."""


class InvalidParameter(ApiError):
    """A parameter was missing or had a value the cloud refused."""


class OperationFailed(ApiError):
    """The cloud accepted the request but could not carry it out (device offline, ...)."""


class InternalError(ApiError):
    """The cloud failed on its side; worth retrying a read."""

    transient = True


# Prefix table: the longest matching prefix of the Code wins, so a specific code may override
# its family (an invalid token is an InvalidParameterValue.* code, but means something else).
_BY_PREFIX: dict[str, type[ApiError]] = {
    "InvalidParameterValue.InvalidAccessToken": InvalidToken,
    # The mini-program SDK treats this code like an invalid token (utils/errorHelper.js).
    "VERIFY_LOGIN_FAIL": InvalidToken,
    "InvalidParameterValue.NoPermission": NoPermission,
    "InvalidParameterValue.AppDeviceNotExist": NotFound,
    "InvalidParameterValue.InvalidShareDeviceToken": NotFound,
    "InvalidParameterValue.ShareDeviceTokenUsed": UnsupportedOperation,
    "InvalidParameterValue.DeviecBinded": UnsupportedOperation,  # sic, the reference's spelling
    "InvalidParameterValue.DeviceBinded": UnsupportedOperation,  # the spelling of its example
    "InvalidParameterValue.MsgIDInvalid": NotFound,
    "InvalidParameterValue.ErrorUserNotExists": NotFound,
    "InvalidParameterValue.CannotBindOwnDevice": UnsupportedOperation,
    "InvalidParameterValue.UserBindExceedLimit": LimitExceeded,
    "InvalidParameterValue.DeviceShareExceededLimit": LimitExceeded,
    "InvalidParameterValue.InternalRPCError": InternalError,
    # Wi-Fi provisioning tokens (not AccessTokens): unknown or expired bind token.
    "InvalidParameterValue.TokenNotExist": NotFound,
    "InvalidParameterValue.TokenIsExpire": NotFound,
    "InvalidParameterValue.TokenIsExpired": NotFound,
    "InvalidParameterValue": InvalidParameter,
    "InvalidParameter": InvalidParameter,
    "ErrorRequiredParamNotFound": InvalidParameter,
    "MissingParameter": InvalidParameter,
    "InvalidAction": UnsupportedOperation,
    "AuthFailure": AuthFailure,
    "UnauthorizedOperation": NoPermission,
    "ResourceNotFound": NotFound,
    "LimitExceeded": LimitExceeded,
    "RequestLimitExceeded": LimitExceeded,
    "UnsupportedOperation": UnsupportedOperation,
    "FailedOperation": OperationFailed,
    "InternalError": InternalError,
    "ServiceUnavailable": InternalError,
}


def error_class(code: str) -> type[ApiError]:
    """The exception class for a cloud error ``code`` (ApiError when nothing matches)."""
    if "InvalidAccessToken" in code:
        # Wherever it stands: the mini-program SDK takes any such code as a dead sign-in.
        return InvalidToken
    best = ""
    for prefix in _BY_PREFIX:
        if (code == prefix or code.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return _BY_PREFIX[best] if best else ApiError


def from_response(code: str, message: str, *, request_id: str, action: str) -> ApiError:
    """Build the right ApiError subclass for an error answer."""
    return error_class(code)(code, message, request_id=request_id, action=action)
