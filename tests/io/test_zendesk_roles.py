"""A user's role as it was when they wrote, from either shape of the export."""

from __future__ import annotations

import json
import pathlib
import shutil

from servicemodel import Role
from servicemodel.io.zendesk import read_api, read_export

API = pathlib.Path(__file__).parents[1] / "fixtures" / "zendesk" / "api"


def test_the_teams_ids_keep_a_leavers_replies_an_agents_in_the_api_shape(
    tmp_path: pathlib.Path,
) -> None:
    """Alice left: the users sideload says end-user today, and the API has no role history."""
    folder = tmp_path / "api"
    shutil.copytree(API, folder)
    for page in ("tickets_1.json", "tickets_2.json"):
        document = json.loads((folder / page).read_text())
        for user in document["users"]:
            if user["id"] == 1:
                user["role"] = "end-user"
        (folder / page).write_text(json.dumps(document))

    def replies(**options: object) -> list[Role]:
        [ticket] = [t for t in read_api(folder, **options) if t.id == "101"]  # type: ignore[arg-type]
        return [m.author for m in ticket.messages() if m.author_id == "1"]

    assert set(replies()) == {Role.CUSTOMER}
    assert set(replies(agents=[1])) == {Role.AGENT}
    [ticket] = [t for t in read_export(folder, agents=["1"]) if t.id == "101"]
    assert {m.author for m in ticket.messages() if m.author_id == "1"} == {Role.AGENT}
