#!/usr/bin/env python3
"""The reading room (`reader serve`) in a real browser: Debian's headless Chromium
driven by Selenium through Debian's chromedriver (nothing is downloaded).

The browser runs with every address but 127.0.0.1 unreachable (no name resolves,
every proxied request is refused), so a page that needed a CDN, a web font or any
other machine would show it. Each check prints a line; the first failure stops the
run with a message and a non-zero status.

    python3 Tests/Browser/reading_room.py --reader .build/debug/reader [--screenshots docs/screenshots]

Run by Tests/EndToEndTests/BrowserTests.swift (tagged slow).
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for a driver online.

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WEEK = 7 * 86400


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)
    print("ok:", message, flush=True)


class Reader:
    """The reader CLI on one library, optionally at another time (faketime)."""

    def __init__(self, binary, library):
        self.binary, self.library = binary, library
        self.faketime = shutil.which("faketime")

    def run(self, *arguments, at=None):
        command = [self.binary, "--library", self.library, *arguments]
        if at is not None and self.faketime:
            command = [self.faketime, "@%d" % at, *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=REPOSITORY, timeout=60)
        if result.returncode != 0:
            raise Failure("reader %s failed (%d): %s" % (" ".join(arguments), result.returncode, result.stderr.strip()))
        return result.stdout

    def show(self, paper):
        return json.loads(self.run("show", paper, "--json"))


def build_library(reader, scratch):
    """The bundled listing, added over twenty weeks and partly read, so that the
    queue, the paper page and the stats have something real to show."""
    listing = os.path.join(REPOSITORY, "Examples", "trending-papers.txt")
    source = Reader(reader.binary, scratch)
    source.run("import", listing)
    papers = json.loads(source.run("list", "--json", "--sort", "title"))
    now = int(time.time())
    start = now - 20 * WEEK
    ids = []
    for index, paper in enumerate(papers):
        at = start + (index * 20 * WEEK) // len(papers) if reader.faketime else None
        arguments = ["add", "--offline", "--title", paper["title"]]
        if paper.get("abstract"):
            arguments += ["--abstract", paper["abstract"]]
        reader.run(*arguments, at=at)
    listed = json.loads(reader.run("list", "--json", "--sort", "title"))
    ids = [paper["id"] for paper in listed]
    # Reading, week after week: every third paper read some weeks after it came in.
    for index, paper in enumerate(listed[::3]):
        at = start + (index * 60 * WEEK) // len(listed) + 2 * WEEK
        if at < now - 3600:
            reader.run("start", paper["id"], at=at if reader.faketime else None)
            reader.run("done", paper["id"], at=at + 2 * 86400 if reader.faketime else None)
    for paper in listed[1::7][:6]:
        reader.run("queue", paper["id"])
    return ids


def whole_page(driver, path):
    """A screenshot of the whole page, from its top."""
    driver.execute_script("window.scrollTo(0, 0)")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 1000), 3000))
    driver.save_screenshot(path)
    driver.set_window_size(1280, 1000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reader", required=True, help="the reader binary (reader-web beside it)")
    parser.add_argument("--screenshots", help="save the queue, a paper and the stats page here as PNG")
    arguments = parser.parse_args()
    binary = os.path.abspath(arguments.reader)
    for program in ("chromium", "chromedriver"):
        if not shutil.which(program):
            print("MISSING: %s (Debian's chromium and chromium-driver)" % program)
            return 2

    work = tempfile.mkdtemp(prefix="reader-browser-")
    server = driver = None
    try:
        reader = Reader(binary, os.path.join(work, "library.sqlite"))
        build_library(reader, os.path.join(work, "scratch.sqlite"))
        krylov = reader.show("krylov")["id"]
        reader.run("start", krylov)
        reader.run("tag", krylov, "+pde", "+to-read")
        reader.run("note", "add", krylov, "**Key idea**: sort similar systems so that each solve recycles the last one's Krylov subspace.\n\n"
                   "- up to 13.9x faster data generation\n- worth trying on our Poisson sets")
        reader.run("highlight", "add", krylov, "SKR employs a sorting algorithm to arrange these systems in a sequence", "--page", "2",
                   "--comment", "the whole trick")
        evil = json.loads(reader.run("add", "--offline", "--title", "<script>alert(1)</script>", "--json"))
        evil_id = evil["id"] if isinstance(evil, dict) else evil[0]["id"]
        reader.run("note", "add", evil_id, "<b>raw</b> <img src=x onerror=alert(2)> [click](javascript:alert(3))")

        server = subprocess.Popen([binary, "--library", reader.library, "serve", "--port", "0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = server.stdout.readline().strip()
        check(line.startswith("reading room at http://127.0.0.1:"), "reader serve prints its address: %s" % line)
        base = line.split(" at ")[1].rstrip("/")

        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     # No other machine is reachable: no name resolves, and every request but loopback
                     # goes to a proxy that refuses it.
                     "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                     "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
                     "--force-prefers-reduced-motion", "--hide-scrollbars"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
        driver.set_page_load_timeout(30)
        wait = WebDriverWait(driver, 10)

        def body():
            return driver.find_element(By.TAG_NAME, "body")

        def keys(*sequence):
            body().send_keys(*sequence)

        # The queue, styled with no network.
        driver.get(base + "/")
        check(driver.title == "Queue · reader", "the queue opens (%s)" % driver.title)
        styled = driver.execute_script("return getComputedStyle(document.querySelector('header.top')).position")
        check(styled == "sticky", "its styles are applied with no network (header position %s)" % styled)
        resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        check(resources and all(name.startswith(base + "/") for name in resources),
              "every resource it loaded came from the room: %s" % resources)
        check("Accelerating Data Generation" in driver.find_element(By.ID, "reading").text, "the paper being read leads the queue")
        if arguments.screenshots:
            os.makedirs(arguments.screenshots, exist_ok=True)
            driver.save_screenshot(os.path.join(arguments.screenshots, "queue.png"))

        # Keys: j and k move, Enter opens.
        keys("j")
        rows = driver.find_elements(By.CSS_SELECTOR, "li.paper")
        check("selected" in rows[0].get_attribute("class"), "j selects the first paper")
        keys("j", "j", "k")
        check("selected" in rows[1].get_attribute("class") and "selected" not in rows[0].get_attribute("class"),
              "j, j, k leaves the second paper selected")
        second = rows[1].get_attribute("data-href")
        keys(Keys.ENTER)
        wait.until(lambda d: d.current_url.endswith(second))
        check(driver.current_url.endswith(second), "Enter opens the selected paper")

        # s then Enter changes the selected paper's status, through the write path.
        driver.get(base + "/")
        keys("j")
        first = driver.find_elements(By.CSS_SELECTOR, "li.paper")[0].get_attribute("data-href").split("/")[-1]
        before = reader.show(first)["status"]
        keys("s")
        focused = driver.switch_to.active_element
        check(focused.tag_name == "button" and focused.get_attribute("name") == "status", "s focuses the paper's status buttons")
        chosen = focused.get_attribute("value")
        focused.send_keys(Keys.ENTER)
        wait.until(lambda d: reader.show(first)["status"] == chosen)
        check(reader.show(first)["status"] == chosen != before, "s, Enter set the status %s -> %s (reader show --json)" % (before, chosen))

        # A click on a status button of an inbox paper.
        inbox = driver.find_element(By.CSS_SELECTOR, "#inbox li.paper")
        paper = inbox.get_attribute("data-href").split("/")[-1]
        inbox.find_element(By.CSS_SELECTOR, "button[value=queued]").click()
        wait.until(lambda d: reader.show(paper)["status"] == "queued")
        check(reader.show(paper)["status"] == "queued", "clicking Queue queues the paper")

        # / searches.
        keys("/")
        check(driver.switch_to.active_element.get_attribute("id") == "q", "/ focuses the search box")
        driver.switch_to.active_element.send_keys("krylov recycling", Keys.ENTER)
        wait.until(lambda d: "/search" in d.current_url)
        marks = [mark.text.lower() for mark in driver.find_elements(By.CSS_SELECTOR, ".snippet mark")]
        check(any("krylov" in mark for mark in marks), "the search shows ranked results with the words marked (%s)" % marks[:4])

        # A note and a tag added on the paper's page.
        driver.get(base + "/papers/" + krylov)
        driver.find_element(By.ID, "new-tag").send_keys("browser-tag", Keys.ENTER)
        wait.until(lambda d: "browser-tag" in reader.show(krylov)["tags"])
        check("browser-tag" in reader.show(krylov)["tags"], "a tag added in the browser is in the library")
        driver.find_element(By.ID, "new-note").send_keys("Added from the browser: *check the bounds*.")
        driver.find_element(By.CSS_SELECTOR, "form.add-note button").click()
        wait.until(lambda d: any("Added from the browser" in n["body"] for n in reader.show(krylov)["notes"]))
        check(any("Added from the browser" in n["body"] for n in reader.show(krylov)["notes"]), "a note added in the browser is in the library")
        rendered = driver.find_elements(By.CSS_SELECTOR, ".note-body em")
        check(any(e.text == "check the bounds" for e in rendered), "the note is rendered from Markdown")

        # An edit made in the terminal while the page is open shows on the next load.
        reader.run("tag", krylov, "+from-the-terminal")
        driver.refresh()
        check("#from-the-terminal" in driver.find_element(By.CSS_SELECTOR, ".tags").text, "the terminal's edit is on the next load")
        if arguments.screenshots:
            whole_page(driver, os.path.join(arguments.screenshots, "paper.png"))

        # Escaping: a title and a note made of HTML are shown as text, and nothing runs.
        driver.get(base + "/papers/" + evil_id)
        check(driver.find_element(By.TAG_NAME, "h1").text == "<script>alert(1)</script>", "a title made of HTML is shown as text")
        note = driver.find_element(By.CSS_SELECTOR, ".note-body").text
        check("<b>raw</b>" in note and "<img src=x onerror=alert(2)>" in note, "a note's raw HTML is shown as text")
        check(not driver.find_elements(By.CSS_SELECTOR, ".note-body b, .note-body img, .note-body a"), "and makes no element")
        try:
            alert = driver.switch_to.alert
            raise Failure("a script ran: %s" % alert.text)
        except NoAlertPresentException:
            check(True, "no script ran")

        # Stats: charts drawn on the server.
        driver.get(base + "/stats")
        charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
        check(len(charts) == 5, "the stats page draws its five charts (%d)" % len(charts))
        bars = driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar-read")
        check(any(float(bar.get_attribute("height")) > 0 for bar in bars), "papers read appear week by week")
        if arguments.screenshots:
            whole_page(driver, os.path.join(arguments.screenshots, "stats.png"))

        # A bad request is a page that says what is wrong.
        driver.get(base + "/papers/00000000-0000-4000-8000-000000000000")
        check("no paper has the id" in driver.find_element(By.CSS_SELECTOR, ".problem").text, "an unknown paper gets a page that says so")

        driver.quit()
        driver = None
        server.send_signal(signal.SIGINT)
        status = server.wait(timeout=15)
        check(status == 0, "Ctrl-C stops reader serve cleanly (exit status %d)" % status)
        server = None
        print("all browser checks passed")
        return 0
    except Failure as failure:
        print("FAILED:", failure, flush=True)
        if driver is not None:
            print("page at", driver.current_url)
        return 1
    finally:
        if driver is not None:
            driver.quit()
        if server is not None:
            server.kill()
            server.wait()
            print("server stderr:", server.stderr.read())
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
