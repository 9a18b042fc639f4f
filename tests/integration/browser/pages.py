"""What the browser tests do on the console's pages, in a person's steps."""

from __future__ import annotations

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.integration.browser.conftest import PASSWORD, USER

WAIT = 30


def wait(console, seconds: float = WAIT) -> WebDriverWait:
    """A wait that looks again when the page was replaced under it (a reload, a redirect)."""
    return WebDriverWait(console.driver, seconds, poll_frequency=0.2,
                         ignored_exceptions=(StaleElementReferenceException,))


def by_id(console, element_id: str):
    element = wait(console).until(seen.presence_of_element_located((By.ID, element_id)))
    console.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    return element


def text(console) -> str:
    return console.driver.find_element(By.TAG_NAME, "body").text


def log_in(console, user: str = USER, password: str = PASSWORD, succeeds: bool = True) -> None:
    console.open("/login")
    by_id(console, "username").send_keys(user)
    console.driver.find_element(By.ID, "password").send_keys(password)
    console.driver.find_element(By.CSS_SELECTOR, "form button[type=submit].primary").click()
    wait(console).until(seen.presence_of_element_located(
        (By.ID, "logout" if succeeds else "login-error")))


def submit(console, button_id: str) -> None:
    by_id(console, button_id).click()


def choose(console, select_id: str, value: str) -> None:
    Select(by_id(console, select_id)).select_by_value(value)


def fill(console, field_id: str, value: str) -> None:
    field = by_id(console, field_id)
    field.clear()
    field.send_keys(value)


def tick(console, box_id: str, on: bool = True) -> None:
    box = by_id(console, box_id)
    if box.is_selected() != on:
        box.click()


def until_text(console, needle: str, reload: bool = False, seconds: float = WAIT) -> None:
    """Wait until the page shows `needle` (reloading it while waiting, when asked)."""

    def shows(driver) -> bool:
        try:
            if needle in driver.find_element(By.TAG_NAME, "body").text:
                return True
        except WebDriverException:  # the page was being replaced as it was read: look again
            return False
        if reload:
            driver.refresh()
        return False

    wait(console, seconds).until(shows, message=f"the page never showed {needle!r}")


def payment_row_index(console, method: str) -> int:
    rows = console.driver.find_elements(By.CSS_SELECTOR, "#payment-settings tbody tr")
    for index, row in enumerate(rows):
        if row.find_element(By.TAG_NAME, "code").text == method:
            return index
    raise AssertionError(f"no payment settings row for {method}")
