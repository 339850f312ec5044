"""The workshop page in a real headless browser (Debian's chromium), fully offline.

Starts ``python -m app`` on a free localhost port, blocks every request that would leave
127.0.0.1, then works the page as a teacher would at a 1024×768 projector: starts and stops
a coordinator, then runs paired twins and stops the coordinator (and closes the café) in
the right twin only.
A screenshot is kept in ``test-artifacts/workshop.png``.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
STARTUP_SECONDS = 90
UI_MS = 30_000  # a bound on every wait in the page; the machine is shared and slow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),  # fmt: skip
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(server: subprocess.Popen) -> None:
    """Terminate the server's process group, then kill it if it does not go in time."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)


@pytest.fixture
def page_url(tmp_path):
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "--port", str(port)], cwd=ROOT, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail("server exited: " + (tmp_path / "server.log").read_text()[-2000:])
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not answer in time: "
                            + (tmp_path / "server.log").read_text()[-2000:])  # fmt: skip
            time.sleep(0.5)
        yield url
    finally:
        _stop(server)
        log.close()


def _week(status: str) -> int:
    return int(re.search(r"(?:Uge|Week) (\d+)", status).group(1))


def _wait_for_twins_to_agree(page, week: int) -> None:
    """Fail unless, within UI_MS, both twins' network drawings are the same SVG."""
    script = """() => {
        const [a, b] = ['untouched', 'with_interventions'].map(
            (c) => document.querySelector(`.workshop-network-${c} svg`));
        return a !== null && b !== null && a.innerHTML === b.innerHTML;
    }"""
    try:
        page.wait_for_function(script, timeout=UI_MS)
    except Exception as error:  # playwright's TimeoutError, named in the message
        raise AssertionError(f"twins differ in week {week}: {error}") from None


def _in_viewport(locator, width: int = 1024, height: int = 768) -> bool:
    box = locator.bounding_box()
    return (box is not None and box["width"] > 100 and box["height"] > 100 and box["x"] >= 0
            and box["y"] >= 0 and box["x"] + box["width"] <= width
            and box["y"] + box["height"] <= height)  # fmt: skip


def test_teacher_runs_paired_twins_on_a_projector_offline(page_url):
    from playwright.sync_api import expect, sync_playwright

    left_localhost: list[str] = []

    def only_localhost(route):
        url = route.request.url
        local = re.match(r"^(https?|wss?)://127\.0\.0\.1[:/]", url)
        if local or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            left_localhost.append(url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     timeout=UI_MS)  # fmt: skip
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 768})  # a projector
            page.set_default_timeout(UI_MS)
            expect.set_options(timeout=UI_MS)  # a Reset of two health models takes a while
            page.route("**/*", only_localhost)
            page.goto(page_url, timeout=UI_MS * 2)

            status = page.locator(".workshop-status")
            expect(status).to_contain_text("Uge 0", timeout=UI_MS * 2)
            network = page.locator(".workshop-network svg")
            timeline = page.locator("img.workshop-timeline")
            expect(network).to_be_visible()
            expect(timeline).to_be_visible()
            # Both drawings are on screen without scrolling, and nothing covers them.
            assert _in_viewport(network) and _in_viewport(timeline)
            assert page.get_by_text("This website runs on").count() == 0
            # Names on hover: every actor carries its name as an SVG title.
            names = network.locator(".actor title").all_text_contents()
            assert len(names) >= 10 and all(name.strip() for name in names)

            # The lesson's default, Foreningernes Hus, has a coordinator from the start.
            coordinator = page.locator("button.workshop-coordinator")
            expect(status).to_contain_text("Tovholder: aktiv")
            expect(coordinator).to_contain_text("Stop tovholderen", ignore_case=True)
            step = page.get_by_role("button", name="Step", exact=True)
            network_before, timeline_before = network.inner_html(), timeline.screenshot()
            for week in range(1, 3):
                step.click()
                expect(status).to_contain_text(f"Uge {week} ")
            assert network.inner_html() != network_before
            assert timeline.screenshot() != timeline_before

            # Kvarterhuset Motalavej never had a coordinator: the page offers to start one.
            page.locator(".v-navigation-drawer .v-select").first.click()
            page.get_by_role("option", name="housing_area").click()
            page.get_by_role("button", name="Reset").click()
            expect(page.locator(".workshop-drivers")).to_contain_text("housing_area")
            expect(status).to_contain_text("Tovholder: ingen")
            expect(page.get_by_label("Tovholder fra start")).not_to_be_checked()
            expect(coordinator).to_contain_text("Start en tovholder", ignore_case=True)
            coordinator.click()
            expect(status).to_contain_text("Tovholder: aktiv")
            expect(coordinator).to_contain_text("Stop tovholderen", ignore_case=True)
            coordinator.click()
            expect(status).to_contain_text("Tovholder: stoppet")
            expect(coordinator).to_contain_text("Genindsæt tovholderen", ignore_case=True)

            # Paired twins of the health centre, which starts with a coordinator.
            page.locator(".v-navigation-drawer .v-select").first.click()
            page.get_by_role("option", name="health").click()
            page.get_by_text("Tvillinger (med og uden indgreb)").click()
            page.get_by_role("button", name="Reset").click()
            expect(page.locator(".workshop-drivers")).to_contain_text("health")
            expect(status).to_contain_text("Tovholder: aktiv")
            # The sidebar shows what runs: the health centre's own drivers have a coordinator.
            expect(page.get_by_label("Tovholder fra start")).to_be_checked()
            left = page.locator(".workshop-network-untouched svg")
            right = page.locator(".workshop-network-with_interventions svg")
            expect(left).to_be_visible()
            for week in range(1, 4):
                step.click()
                expect(status).to_contain_text(f"Uge {week} ")
                # The two drawings are separate widgets and reach the page one after the
                # other: wait (bounded) until both show this week, then they must agree.
                expect(page.locator(".workshop-networks")).to_contain_text(f"uge {week} (")
                _wait_for_twins_to_agree(page, week)
            assert left.locator("line").count() > 0
            coordinator.click()  # stop the coordinator in the right twin only
            expect(status).to_contain_text("Tovholder: stoppet")
            for week in range(4, 9):
                step.click()
                expect(status).to_contain_text(f"Uge {week} ")
            assert left.inner_html() != right.inner_html()
            expect(page.locator(".workshop-history")).to_contain_text("uge 4: tovholderen stopper")
            # The café closes in the right twin (Korsør: the café as a meeting place).
            cafe = page.locator("button.workshop-cafe")
            expect(cafe).to_contain_text("Caféen lukker", ignore_case=True)
            cafe.click()
            expect(page.locator(".workshop-history")).to_contain_text("caféen lukker")
            assert _in_viewport(left) and _in_viewport(right) and _in_viewport(timeline)

            page.get_by_role("button", name="English").click()
            expect(status).to_contain_text("Coordinator: stopped")
            expect(page.get_by_text("Twins (with and without interventions)")).to_be_visible()
            expect(page.locator(".workshop-form-legend").first).to_contain_text(
                "we make something new together"
            )

            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "workshop.png"))
        finally:
            browser.close()

    assert left_localhost == [], f"the page tried to reach the internet: {left_localhost[:5]}"
