"""What the browser tests share besides fixtures: where artifacts go, how Chromium starts, and
``Visit``, a tab that records its requests and console."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
#: What the machine's closed network needs: no background connections, no component updates,
#: no sync; as root, no sandbox.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = HERE / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("KG_BROWSER_ARTIFACTS", HERE / "artifacts"))
#: Screenshots are for people to look at (``KG_SCREENSHOTS=1 .venv/bin/pytest tests/browser``),
#: and no test reads them: a run without it takes none. They were a fifth of the browser
#: tests' time (13 of 71 s run alone, 18 of 103 CPU-seconds), in every CI run that threw them
#: away.
SCREENSHOTS = os.environ.get("KG_SCREENSHOTS") == "1"


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path | None:
    """``page`` as ``ARTIFACTS/{name}.png`` when ``SCREENSHOTS`` asks for it (else None)."""
    if not SCREENSHOTS:
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@dataclass
class Visit:
    """A browser tab on the site that records what it asks for and what it logs."""

    page: Any
    base: str
    name: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)  # console errors a test provokes
    shots: int = 0

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response

    def screenshot(self, label: str, *, full_page: bool = True) -> Path | None:
        self.shots += 1
        return screenshot(self.page, f"{self.name}-{self.shots:02d}-{label}", full_page=full_page)

    def accessibility(self, label: str, *, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """axe-core's serious and critical violations on the page as it is now."""
        self.page.add_script_tag(path=str(AXE))
        context = {"exclude": [[selector] for selector in exclude]} if exclude else None
        found = self.page.evaluate(
            """async (context) => {
                const result = await axe.run(context || document, { resultTypes: ["violations"] });
                return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
            }""",
            context,
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"{self.name}-axe-{label}.json").write_text(json.dumps(found, indent=1))
        return [v for v in found if v["impact"] in ("serious", "critical")]

    def check(self) -> None:
        """Nothing left 127.0.0.1 and nothing went wrong in the page."""
        foreign = [
            url for url in self.requests if not url.startswith((self.base, "data:", "blob:"))
        ]
        assert foreign == [], f"requests to other hosts: {foreign}"
        errors = [e for e in self.errors if not any(x in e for x in self.expected)]
        assert errors == [], f"console errors: {errors}"
