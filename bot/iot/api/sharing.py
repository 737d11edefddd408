"""Typed app-API methods: sharing one device with a user outside its family."""

from __future__ import annotations

from typing import Any

from bot.iot.api.base import ApiMixin
from bot.iot.models.sharing import SharedDevicePage, ShareToken, ShareTokenInfo, ShareUserPage
from bot.iot.replies import data_of


def _device_params(device_id: str) -> dict[str, Any]:
    """ProductId and DeviceName from a DeviceId ("<ProductId>/<DeviceName>")."""
    product_id, sep, device_name = device_id.partition("/")
    if not sep or not product_id or not device_name:
        raise ValueError(f"not a DeviceId: {device_id!r}")
    return {"ProductId": product_id, "DeviceName": device_name}


class SharingApi(ApiMixin):
    """Share tokens and invitations (the sharer), accepting and dropping shares (the recipient)."""

    async def send_share_invite(self, token: str, device_id: str, to_user_id: str) -> None:
        """AppSendShareDeviceInvite: the invitee finds a share token in their message center."""
        # The table says ToUserId, the example and every vendor client send ToUserID.
        params = {**_device_params(device_id), "ToUserID": to_user_id}
        await self.call("AppSendShareDeviceInvite", params, token=token)

    async def create_share_token(
        self, token: str, family_id: str, device_id: str, *, context: str = ""
    ) -> ShareToken:
        """AppCreateShareDeviceToken: a single-use token to hand to the person to share with."""
        params: dict[str, Any] = {"FamilyId": family_id, **_device_params(device_id)}
        if context:
            # TokenContent, as the reference's table names it (line 3148); no vendor client sends
            # a context at all. The describe reply may carry it back (Context/TokenContent).
            params["TokenContent"] = context
        reply = await self.call("AppCreateShareDeviceToken", params, token=token)
        return ShareToken.from_dict(data_of(reply))

    async def describe_share_token(self, token: str, share_token: str) -> ShareTokenInfo:
        """AppDescribeShareDeviceToken: what a share token offers, before accepting it."""
        reply = await self.call(
            "AppDescribeShareDeviceToken", {"ShareDeviceToken": share_token}, token=token, read=True
        )
        return ShareTokenInfo.from_dict(data_of(reply))

    async def bind_shared_device(self, token: str, share_token: str, device_id: str) -> None:
        """AppBindUserShareDevice: accept a share; the device then appears among shared devices."""
        params = {"ShareDeviceToken": share_token, **_device_params(device_id)}
        await self.call("AppBindUserShareDevice", params, token=token)

    async def list_shared_devices(
        self, token: str, *, offset: int = 0, limit: int = 10
    ) -> SharedDevicePage:
        """AppListUserShareDevices: the devices others shared with me."""
        params = {"Offset": offset, "Limit": limit}
        reply = await self.call("AppListUserShareDevices", params, token=token, read=True)
        return SharedDevicePage.from_dict(data_of(reply))

    async def remove_shared_device(self, token: str, device_id: str) -> None:
        """AppRemoveUserShareDevice: give back a device someone shared with me."""
        await self.call("AppRemoveUserShareDevice", _device_params(device_id), token=token)

    async def list_share_users(
        self, token: str, device_id: str, *, offset: int = 0, limit: int = 10
    ) -> ShareUserPage:
        """AppListShareDeviceUsers: who outside the family has been given this device."""
        params = {**_device_params(device_id), "Offset": offset, "Limit": limit}
        reply = await self.call("AppListShareDeviceUsers", params, token=token, read=True)
        return ShareUserPage.from_dict(data_of(reply))

    async def remove_share_user(self, token: str, device_id: str, user_id: str) -> None:
        """AppRemoveShareDeviceUser: take the device back from one user it was shared with."""
        # The table says RemoveUserId; the vendor's iOS, Android and Node clients send RemoveUserID.
        params = {**_device_params(device_id), "RemoveUserID": user_id}
        await self.call("AppRemoveShareDeviceUser", params, token=token)
