"""Headless Chromium for the page tests; they skip where chromium or chromedriver is absent.

Fixtures: ``driver`` (a headless Chromium), ``screenshot`` (saves PNGs, also into
``$CREDMATCH_SCREENSHOT_DIR`` when set) and ``page`` (waits, lookups and the accessibility checks
both page tests share).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1440,1000",
)


BROWSER_MISSING = (
    None
    if CHROMIUM.exists() and CHROMEDRIVER.exists()
    else f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
)


@pytest.fixture(scope="session")
def browser_available() -> None:
    """Skips unless chromium, chromedriver and selenium are here; ask for it before slow setup."""
    if BROWSER_MISSING:
        pytest.skip(BROWSER_MISSING)
    pytest.importorskip("selenium.webdriver")


@pytest.fixture
def driver(browser_available: None, tmp_path: Path) -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    for flag in (*CHROME_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def screenshot(driver: Any, tmp_path: Path) -> Callable[..., Path]:
    """Saves the page from the top: the whole page, or only the first screenful."""

    def take(name: str, full_page: bool = True) -> Path:
        size = driver.get_window_size()
        driver.execute_script("window.scrollTo(0, 0)")
        if full_page:
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(size["width"], max(size["height"], height + 140))
        path = tmp_path / f"{name}.png"
        try:
            assert driver.save_screenshot(str(path)), f"could not save {path}"
        finally:
            driver.set_window_size(size["width"], size["height"])
        extra = os.environ.get("CREDMATCH_SCREENSHOT_DIR")
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(extra) / path.name)
        return path

    return take


UNLABELLED_CONTROLS = """
return [...document.querySelectorAll('input, select, textarea, button')]
  .filter(el => el.offsetParent !== null)
  .filter(el => el.tagName === 'BUTTON' ? !(el.textContent.trim() || el.getAttribute('aria-label'))
                                         : !(el.labels.length || el.getAttribute('aria-label')))
  .map(el => el.outerHTML.slice(0, 80));
"""

# WCAG 2.x contrast of every visible text run against its nearest opaque background.
LOW_CONTRAST = """
const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
const channel = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
const bgOf = el => {
  for (let e = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] >= 0.99)) return c.slice(0, 3);
  }
  return [255, 255, 255];
};
const bad = [];
for (const el of document.querySelectorAll('body *')) {
  if (!el.offsetParent && el.tagName !== 'BODY') continue;
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  const cs = getComputedStyle(el);
  if (cs.clip === 'rect(0px, 0px, 0px, 0px)' || parseFloat(cs.opacity) < 1) continue;
  const fg = rgb(cs.color).slice(0, 3), bg = bgOf(el);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05);
  const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
  const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  const what = `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}"`;
  if (ratio < need) bad.push(`${what}: ${ratio.toFixed(2)} < ${need}`);
}
return bad;
"""

# Wide elements: anything that sticks out past the right edge of the viewport or of its card,
# which is how over-long ids, names and requirement texts show up.
OVERFLOWING = """
const bad = [];
const right = document.documentElement.clientWidth;
for (const el of document.querySelectorAll('body *')) {
  if (!el.offsetParent) continue;
  const box = el.getBoundingClientRect();
  if (box.width === 0) continue;
  const card = el.parentElement && el.parentElement.closest('.card');
  const limit = card ? card.getBoundingClientRect().right : right;
  const what = `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 40)}"`;
  if (box.right > limit + 1) bad.push(what);
}
return bad;
"""


class Page:
    """Selenium helpers with messages that say what the page showed when a wait failed."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def wait(self, condition: Callable[[Any], Any], what: str, timeout: float = 10) -> Any:
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            return WebDriverWait(self.driver, timeout).until(condition)
        except TimeoutException:
            pytest.fail(f"timed out waiting for {what}; the page's error banner: {self.banner()!r}")

    def banner(self) -> str | None:
        text = self.driver.execute_script(
            "const e = document.getElementById('error'); return e && !e.hidden ? e.innerText : null"
        )
        return None if text is None else str(text)

    def all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return list(self.driver.find_elements(By.CSS_SELECTOR, css))

    def one(self, css: str) -> Any:
        found = self.all(css)
        assert len(found) == 1, f"expected one {css!r}, found {len(found)}"
        return found[0]

    def visible(self, css: str) -> bool:
        found = self.all(css)
        return bool(found) and bool(found[0].is_displayed())

    def enter_key(self, key: str) -> None:
        box = self.one("#api-key")
        box.clear()
        box.send_keys(key)
        self.one("#key-form button[type=submit]").click()

    def console_errors(self) -> list[str]:
        """Severe console entries, less the 401/403 answers the tests provoke on purpose."""
        return [
            e["message"]
            for e in self.driver.get_log("browser")
            if e["level"] == "SEVERE" and "status of 401" not in e["message"]
        ]

    def check_accessibility(self) -> None:
        assert self.driver.execute_script(UNLABELLED_CONTROLS) == []
        assert self.driver.execute_script(LOW_CONTRAST) == []

    def check_layout(self) -> None:
        assert self.driver.execute_script(OVERFLOWING) == []


@pytest.fixture
def page(driver: Any) -> Page:
    return Page(driver)
