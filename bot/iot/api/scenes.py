"""Typed app-API methods: manual scenes and automations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.iot.api.base import ApiMixin
from bot.iot.models._fields import records, text
from bot.iot.models.scenes import (
    Automation,
    AutomationSpec,
    AutomationSummary,
    SceneAction,
    ScenePage,
)
from bot.iot.replies import data_of

SCENE_PAGE_MAX = 50  # AppGetSceneList's largest Limit


class ScenesApi(ApiMixin):
    """Manual scenes (run on demand) and automations (run when their conditions hold)."""

    # -- manual scenes ---------------------------------------------------------------------------

    async def create_scene(
        self,
        token: str,
        family_id: str,
        name: str,
        actions: Sequence[SceneAction],
        icon: str = "",
    ) -> str:
        """AppCreateScene: a new scene in ``family_id``; returns its SceneId."""
        params = {
            "FamilyId": family_id,
            "SceneName": name,
            "SceneIcon": icon,
            "Actions": [a.to_dict() for a in actions],
        }
        reply = await self.call("AppCreateScene", params, token=token)
        return text(data_of(reply), "SceneId")

    async def list_scenes(
        self, token: str, family_id: str, offset: int = 0, limit: int = SCENE_PAGE_MAX
    ) -> ScenePage:
        """AppGetSceneList: one page of the family's scenes."""
        params = {"FamilyId": family_id, "Offset": offset, "Limit": min(limit, SCENE_PAGE_MAX)}
        reply = await self.call("AppGetSceneList", params, token=token, read=True)
        return ScenePage.from_dict(data_of(reply))

    async def modify_scene(
        self,
        token: str,
        scene_id: str,
        name: str,
        actions: Sequence[SceneAction],
        icon: str = "",
    ) -> None:
        """AppModifyScene: replace the scene's name, icon and actions."""
        params = {
            "SceneId": scene_id,
            "SceneName": name,
            "SceneIcon": icon,
            "Actions": [a.to_dict() for a in actions],
        }
        await self.call("AppModifyScene", params, token=token)

    async def delete_scene(self, token: str, scene_id: str) -> None:
        """AppDeleteScene."""
        await self.call("AppDeleteScene", {"SceneId": scene_id}, token=token)

    async def run_scene(self, token: str, scene_id: str) -> None:
        """AppRunScene: start the scene; UnsupportedOperation while a run is in progress."""
        await self.call("AppRunScene", {"SceneId": scene_id}, token=token)

    # -- automations -----------------------------------------------------------------------------

    async def create_automation(self, token: str, family_id: str, spec: AutomationSpec) -> str:
        """AppCreateAutomation: a new automation in ``family_id``; returns its AutomationId."""
        params = {"FamilyId": family_id, **spec.to_params()}
        reply = await self.call("AppCreateAutomation", params, token=token)
        return text(data_of(reply), "AutomationId")

    async def list_automations(self, token: str, family_id: str) -> list[AutomationSummary]:
        """AppGetAutomationList: every automation of the family, without their details."""
        reply = await self.call(
            "AppGetAutomationList", {"FamilyId": family_id}, token=token, read=True
        )
        return [AutomationSummary.from_dict(item) for item in records(data_of(reply), "List")]

    async def describe_automation(self, token: str, automation_id: str) -> Automation:
        """AppDescribeAutomation: conditions, actions and when the automation is in effect."""
        reply = await self.call(
            "AppDescribeAutomation", {"AutomationId": automation_id}, token=token, read=True
        )
        automation = Automation.from_dict(data_of(reply))
        if automation.automation_id:
            return automation
        return replace(automation, automation_id=automation_id)

    async def modify_automation(self, token: str, automation_id: str, spec: AutomationSpec) -> None:
        """AppModifyAutomation: replace every field of the automation."""
        params = {"AutomationId": automation_id, **spec.to_params()}
        await self.call("AppModifyAutomation", params, token=token)

    async def set_automation_enabled(self, token: str, automation_id: str, enabled: bool) -> None:
        """AppModifyAutomationStatus: switch the automation on or off."""
        params = {"AutomationId": automation_id, "Status": 1 if enabled else 0}
        await self.call("AppModifyAutomationStatus", params, token=token)

    async def delete_automation(self, token: str, automation_id: str) -> None:
        """AppDeleteAutomation."""
        await self.call("AppDeleteAutomation", {"AutomationId": automation_id}, token=token)
