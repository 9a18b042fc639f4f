"""The real console in a real browser: Sales Inbox served in a thread (embedded broker, worker
threads, SQLite) between the Mozello and PayTraq sandboxes, driven by the system's headless
Chromium through Selenium and the distribution's chromedriver. Screenshots of every page go to
var/screenshots/ (or SALES_INBOX_SCREENSHOTS); the path is printed."""

from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import dramatiq
import pytest

from adapters.mozello.sandbox.server import SEED_PATH, MozelloSandbox
from adapters.paytraq.sandbox.server import PayTraqSandbox
from adapters.sandbox_wsgi import serve_in_thread
from adapters.storage.locks import SqlLock
from application.logins import create_user
from entrypoints.bootstrap import start_process
from entrypoints.config import load_config
from entrypoints.demo.sandbox_mode import Sandboxes, ensure_sandbox_channel
from entrypoints.gateways import ChannelGateways
from entrypoints.passwords import hash_password
from entrypoints.runtime import Runtime
from entrypoints.web.app import create_app
from tests.integration.e2e.conftest import Service
from tests.integration.storage.conftest import _backend
from tests.shared_broker import leave_idle

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
USER, PASSWORD = "anna", "correct horse battery"
ROOT = Path(__file__).resolve().parents[3]
SHOTS = Path(os.environ.get("SALES_INBOX_SCREENSHOTS", ROOT / "var" / "screenshots"))


def _browser_available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists() or bool(
        shutil.which("chromium") and shutil.which("chromedriver"))


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {SHOTS}")
    return SHOTS


@pytest.fixture
def browser(screenshots):
    if not _browser_available():
        message = "Chromium and chromedriver are not installed (apt-get install chromium " \
                  "chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1280,900", "--lang=lv"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=DriverService(
        CHROMEDRIVER if Path(CHROMEDRIVER).exists() else shutil.which("chromedriver")),
        options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@dataclass
class Console(Service):
    driver: object = None
    shots: Path | None = None

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def shot(self, name: str, phone: bool = False) -> Path:
        """Save a full-page screenshot at a laptop's width, or a phone's."""
        driver = self.driver
        width = 390 if phone else 1280

        def emulate(height: int) -> None:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": phone})

        emulate(900)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        emulate(min(max(int(height), 700), 8000))
        driver.execute_script("window.scrollTo(0, 0)")
        path = self.shots / f"{name}{'-phone' if phone else ''}.png"
        driver.save_screenshot(str(path))
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return path


@pytest.fixture
def console(tmp_path, browser, screenshots, request):
    backend_iter = _backend("sqlite", request, tmp_path)
    storage = next(backend_iter)
    paytraq = PayTraqSandbox().start()
    paytraq.controls.rate_limit = None
    mozello = MozelloSandbox(seed_path=SEED_PATH).start()
    mozello.state.webhooks.delay = 0
    mozello.state.rate_limit.enabled = False
    gateways = ChannelGateways(storage.new_uow, paytraq.base_url, mozello.base_url,
                               paytraq_options={"rate": 200.0, "burst": 50},
                               mozello_options={"limiters": []})
    config = load_config({"SALES_INBOX_VAR_DIR": str(tmp_path)})
    process = start_process(
        config,
        make_runtime=lambda dispatch: Runtime(
            config, storage.new_uow, gateways, dispatch=dispatch,
            stock_lock=SqlLock(storage.engine), order_lock=SqlLock(storage.engine)),
        configure_log=False,
    )
    runtime = process.runtime
    web = None
    worker = dramatiq.Worker(process.broker, worker_threads=2, worker_timeout=100)
    try:
        app = create_app(runtime, process.enqueue_delivery)
        web = serve_in_thread(app)
        runtime.config = dataclasses.replace(
            config, public_url=web.base_url, paytraq_api_url=paytraq.base_url,
            mozello_api_url=mozello.base_url)
        ensure_sandbox_channel(storage.new_uow(), Sandboxes(paytraq, mozello), web.base_url)
        create_user(storage.new_uow(), USER, PASSWORD, hash_password, runtime.clock)
        worker.start()
        yield Console(runtime, paytraq, mozello, web.base_url, worker, driver=browser,
                      shots=screenshots)
    finally:
        worker.stop()
        leave_idle(process.broker)
        if web is not None:
            web.stop()
        mozello.stop()
        paytraq.stop()
        process.stop()
        for _ in backend_iter:
            pass
