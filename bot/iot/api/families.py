"""Typed app-API methods: families, their rooms and members, and family invitations."""

from __future__ import annotations

from bot.iot.api.base import ApiMixin
from bot.iot.api.paging import walk_pages
from bot.iot.models.families import (
    Family,
    FamilyDetail,
    FamilyPage,
    InviteToken,
    Member,
    MemberPage,
    Room,
    RoomPage,
)
from bot.iot.replies import data_of

PAGE_LIMIT = 50  # the largest page the list actions return


class FamiliesApi(ApiMixin):
    """Families (homes), rooms, members and invitations (tokenapi)."""

    # -- families ---------------------------------------------------------------------------------

    async def create_family(self, token: str, name: str, address: str = "") -> str:
        """AppCreateFamily: a new family owned by the caller; returns its FamilyId."""
        reply = await self.call("AppCreateFamily", {"Name": name, "Address": address}, token=token)
        return str(data_of(reply).get("FamilyId") or "")

    async def delete_family(self, token: str, family_id: str, name: str) -> None:
        """AppDeleteFamily (owner only); the cloud wants the family's current name as well."""
        params = {"FamilyId": family_id, "Name": name}
        await self.call("AppDeleteFamily", params, token=token)

    async def modify_family(self, token: str, family_id: str, name: str, address: str) -> None:
        """AppModifyFamily (owner only): rename and re-address; both are required by the cloud."""
        params = {"FamilyId": family_id, "Name": name, "Address": address}
        await self.call("AppModifyFamily", params, token=token)

    async def list_families(self, token: str, offset: int = 0, limit: int = 20) -> FamilyPage:
        """AppGetFamilyList: one page of the families the caller belongs to."""
        params = {"Offset": offset, "Limit": limit}
        reply = await self.call("AppGetFamilyList", params, token=token, read=True)
        return FamilyPage.from_dict(data_of(reply))

    async def list_all_families(self, token: str) -> list[Family]:
        """Every family of the caller, following Offset/Limit to the end."""

        async def fetch(offset: int) -> tuple[tuple[Family, ...], int]:
            page = await self.list_families(token, offset, PAGE_LIMIT)
            return page.families, page.total

        return await walk_pages(fetch, page_size=PAGE_LIMIT)

    async def describe_family(self, token: str, family_id: str) -> FamilyDetail:
        """AppDescribeFamily: name, address and times of a family the caller belongs to."""
        reply = await self.call(
            "AppDescribeFamily", {"FamilyId": family_id}, token=token, read=True
        )
        return FamilyDetail.from_dict(data_of(reply))

    # -- rooms ------------------------------------------------------------------------------------

    async def create_room(self, token: str, family_id: str, name: str) -> str:
        """AppCreateRoom (owner only); returns the new RoomId."""
        params = {"FamilyId": family_id, "Name": name}
        reply = await self.call("AppCreateRoom", params, token=token)
        return str(data_of(reply).get("RoomId") or "")

    async def modify_room(self, token: str, family_id: str, room_id: str, name: str) -> None:
        """AppModifyRoom (owner only): rename a room."""
        params = {"FamilyId": family_id, "RoomId": room_id, "Name": name}
        await self.call("AppModifyRoom", params, token=token)

    async def delete_room(self, token: str, family_id: str, room_id: str) -> None:
        """AppDeleteRoom (owner only); its devices stay in the family, in no room."""
        params = {"FamilyId": family_id, "RoomId": room_id}
        await self.call("AppDeleteRoom", params, token=token)

    async def list_rooms(
        self, token: str, family_id: str, offset: int = 0, limit: int = 20
    ) -> RoomPage:
        """AppGetRoomList: one page of a family's rooms with their device counts."""
        params = {"FamilyId": family_id, "Offset": offset, "Limit": limit}
        reply = await self.call("AppGetRoomList", params, token=token, read=True)
        return RoomPage.from_dict(data_of(reply))

    async def list_all_rooms(self, token: str, family_id: str) -> list[Room]:
        """Every room of a family, following Offset/Limit to the end."""

        async def fetch(offset: int) -> tuple[tuple[Room, ...], int]:
            page = await self.list_rooms(token, family_id, offset, PAGE_LIMIT)
            return page.rooms, page.total

        return await walk_pages(fetch, page_size=PAGE_LIMIT)

    # -- members and invitations ------------------------------------------------------------------

    async def invite_member(self, token: str, family_id: str) -> InviteToken:
        """AppInviteMember (owner only): a single-use ShareToken anyone may join with."""
        reply = await self.call("AppInviteMember", {"FamilyId": family_id}, token=token)
        return InviteToken.from_dict(data_of(reply), family_id)

    async def send_family_invite(self, token: str, family_id: str, to_user_id: str) -> None:
        """AppSendShareFamilyInvite (owner only): an invitation in that user's message center."""
        # The reference's table spells it ToUserId (its example and the vendor's apps: ToUserID).
        params = {"FamilyId": family_id, "ToUserId": to_user_id}
        await self.call("AppSendShareFamilyInvite", params, token=token)

    async def join_family(self, token: str, share_token: str) -> None:
        """AppJoinFamily: the caller becomes a member of the family the ShareToken invites to."""
        await self.call("AppJoinFamily", {"ShareToken": share_token}, token=token)

    async def delete_family_member(self, token: str, family_id: str, member_id: str) -> None:
        """AppDeleteFamilyMember (owner only): remove a member from the family."""
        # The reference says MemberId; both vendor apps send MemberID, so we follow them.
        params = {"FamilyId": family_id, "MemberID": member_id}
        await self.call("AppDeleteFamilyMember", params, token=token)

    async def exit_family(self, token: str, family_id: str) -> None:
        """AppExitFamily: the caller leaves (an owner must delete the family instead)."""
        await self.call("AppExitFamily", {"FamilyId": family_id}, token=token)

    async def list_family_members(
        self, token: str, family_id: str, offset: int = 0, limit: int = 20
    ) -> MemberPage:
        """AppGetFamilyMemberList: one page of a family's members."""
        params = {"FamilyId": family_id, "Offset": offset, "Limit": limit}
        reply = await self.call("AppGetFamilyMemberList", params, token=token, read=True)
        return MemberPage.from_dict(data_of(reply))

    async def list_all_family_members(self, token: str, family_id: str) -> list[Member]:
        """Every member of a family, following Offset/Limit to the end."""

        async def fetch(offset: int) -> tuple[tuple[Member, ...], int]:
            page = await self.list_family_members(token, family_id, offset, PAGE_LIMIT)
            return page.members, page.total

        return await walk_pages(fetch, page_size=PAGE_LIMIT)
