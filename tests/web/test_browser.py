"""The pages in a real browser: Debian's Chromium driven by Playwright (never a downloaded one).

Screenshots of each page at phone (390x844) and desktop (1280x800) widths go to
``artifacts/screenshots/``; axe-core results to ``artifacts/axe/``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser_fixtures import OFFICER, Live, save_json, start_servers

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
AXE_DIR = ROOT / "artifacts" / "node"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
AXE_RUN = """async () => await axe.run(document, {
  resultTypes: ["violations"],
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
})"""
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, geography: Any) -> Iterator[Live]:
    if geography is None:
        pytest.skip("the India Post geography is not available")
    yield from start_servers(tmp_path_factory.mktemp("live"), geography)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="en-IN")
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


def shoot(page: Any, name: str) -> None:
    """Full-page screenshots at phone and desktop widths."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.wait_for_timeout(150)  # let the new width lay out (rAF would hang without JS)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(before)


def fill_profile(page: Any, pincode: str = "302001") -> None:
    page.fill("#pincode", pincode)
    page.select_option("#sector", "handicrafts")
    page.fill("#products", "hand block printed cotton bedsheets")
    page.check("input[name=needs][value=international_shipping]")
    page.check("input[name=needs][value=export_documentation]")
    page.check("input[name=destinations][value=US]")
    page.fill("#typical_weight_kg", "1.2")
    page.fill("#monthly_international_parcels", "40")


def store_consenting_profile(page: Any, live: Live, name: str) -> None:
    """Fill the form in English as a visitor who consents: the profile and its run are
    stored for the officers."""
    page.goto(live.base + "/?lang=en")
    fill_profile(page)
    page.fill("#name", name)
    page.check("input[name=consent]")
    page.click("button.primary")
    assert "Your answers are saved" in page.locator("p.notice").inner_text()


def sign_in_officer(page: Any, live: Live, lang: str) -> None:
    """Sign the test officer in from the sign-in page in ``lang``; lands on the queue."""
    page.goto(f"{live.base}/officer?lang={lang}")
    page.fill("#username", OFFICER[0])
    page.fill("#password", OFFICER[1])
    page.click("button.primary")


def test_keyboard_focus_is_visible(page: Any, live: Live) -> None:
    page.goto(live.base + "/?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    for _ in range(4):  # the brand, the two other languages, then the PIN field
        page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.id, s.outlineStyle, s.outlineWidth]; })()"
    )
    assert focused == ["pincode", "solid", "3px"]


def test_fill_the_form_and_read_the_results(page: Any, live: Live) -> None:
    page.goto(live.base + "/")
    fill_profile(page)
    page.locator("#pin-place").filter(has_text="Jaipur, Rajasthan").wait_for()
    shoot(page, "01-form")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/results"))
    assert page.locator("h1").inner_text() == "Services that fit your business"
    cards = page.locator("li.card")
    assert cards.count() >= 3
    first = cards.first
    assert first.locator("h3", has_text="Why it fits").count() == 1
    assert first.locator(".provider").inner_text().strip()
    assert first.locator("p.description").inner_text().strip()
    assert first.locator("dt", has_text="Facts as of").count() == 1
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first.locator("dd time").inner_text())
    assert page.locator("li.card h3", has_text="Check before you decide").count() >= 1
    assert "see uncertain" not in page.locator("ol.cards").inner_text()
    assert page.locator("details.not-eligible summary").count() == 1
    shoot(page, "02-results")
    page.emulate_media(media="print")
    assert page.locator("nav.langs").is_hidden()
    assert first.is_visible()


def test_failed_submit_keeps_values_and_shows_the_error(page: Any, live: Live) -> None:
    page.goto(live.base + "/")
    fill_profile(page, pincode="999999")
    page.fill("#typical_weight_kg", "heavy")
    page.click("button.primary")
    error = page.locator("#err-pincode")
    assert "not in the India Post directory" in error.inner_text()
    assert page.locator("#pincode").input_value() == "999999"
    assert page.locator("#pincode").get_attribute("aria-invalid") == "true"
    assert page.locator("#typical_weight_kg").input_value() == "heavy"
    assert "Enter a number" in page.locator("#err-typical_weight_kg").inner_text()
    assert page.locator("input[name=needs][value=international_shipping]").is_checked()
    assert page.locator("#sector").input_value() == "handicrafts"
    shoot(page, "03-form-errors")


def test_switch_to_hindi_and_marathi(page: Any, live: Live) -> None:
    page.goto(live.base + "/")
    page.click("nav.langs a[lang=hi]")
    assert page.locator("html").get_attribute("lang") == "hi"
    assert "India Post की कौन-सी सेवाएँ" in page.locator("h1").inner_text()
    shoot(page, "04-form-hindi")
    page.goto(live.base + "/")  # remembered
    assert page.locator("button.primary").inner_text() == "उपयुक्त सेवाएँ दिखाएँ"
    page.click("nav.langs a[lang=mr]")
    assert page.locator("button.primary").inner_text() == "जुळणाऱ्या सेवा दाखवा"
    fill_profile(page)
    page.click("button.primary")
    assert page.locator("h1").inner_text() == "तुमच्या व्यवसायाला जुळणाऱ्या सेवा"
    assert page.locator("li.card h3", has_text="हे का जुळते").count() >= 3
    # The offerings themselves speak Marathi: names, descriptions, dates, doubts.
    names = page.locator("li.card h2").all_inner_texts()
    assert any("डाक घर निर्यात केंद्र" in n for n in names)
    assert all(re.search("[\u0900-\u097F]", n) for n in names)
    _card_text_is_in_devanagari(page)
    assert page.locator("li.card dt", has_text="माहितीची तारीख").count() >= 3
    assert page.locator("li.card h3", has_text="निर्णय घेण्यापूर्वी तपासा").count() >= 1
    _reasons_are_in_devanagari(page)
    shoot(page, "05-results-marathi")
    # The results page in another language, same answers (posted again, not in a link).
    page.click("nav.langs button[lang=hi]")
    assert page.locator("h1").inner_text() == "आपके व्यवसाय के लिए उपयुक्त सेवाएँ"
    assert any("डाक घर निर्यात केंद्र" in n for n in page.locator("li.card h2").all_inner_texts())
    assert page.locator("li.card p.description").first.inner_text().strip()
    assert re.search("[\u0900-\u097F]", page.locator("li.card p.description").first.inner_text())
    assert page.locator("li.card dt", has_text="जानकारी की तारीख").count() >= 3
    shoot(page, "06-results-hindi")
    _reasons_are_in_devanagari(page)
    _card_text_is_in_devanagari(page)
    hindi = " ".join(page.locator("li.card h3:first-of-type + ul li").all_inner_texts())
    assert "आपकी माँगी हुई चीज़ देता है" in hindi  # need_served, written in Hindi


def _card_text_is_in_devanagari(page: Any) -> None:
    """Each card's provider, description and doubts are in the page's language: none fell
    back to the catalogue's English (issue 18)."""
    for part in ("p.provider", "p.description", "ul.doubts li"):
        # The provider line ends with the category (" · "), written from the page's catalogue.
        shown = [t.split(" · ")[0] for t in page.locator(f"li.card {part}").all_inner_texts()]
        assert shown, part
        english = [t for t in shown if not re.search(r"[\u0900-\u097F]", t)]
        assert not english, (part, english)


def _reasons_are_in_devanagari(page: Any) -> None:
    """Every reason shown under "why it fits" is written in the page's language (written
    from the answer's codes, not English sentences)."""
    shown = page.locator("li.card h3:first-of-type + ul li").all_inner_texts()
    assert len(shown) >= 3
    english = [r for r in shown if not re.search(r"[\u0900-\u097F]", r)]
    assert not english, english
    excluded = page.locator("details.not-eligible li").all_text_contents()  # folded away
    assert all(re.search(r"[\u0900-\u097F]", r) for r in excluded), excluded


def test_officer_signs_in_records_an_outcome_and_sees_it_counted(page: Any, live: Live) -> None:
    page.goto(live.base + "/?lang=en")
    fill_profile(page)
    page.fill("#name", "Sanganer Block Prints")
    page.check("input[name=consent]")
    page.click("button.primary")
    assert "Your answers are saved" in page.locator("p.notice").inner_text()

    page.goto(live.base + "/officer")
    shoot(page, "06-officer-sign-in")
    page.fill("#username", OFFICER[0])
    page.fill("#password", OFFICER[1])
    page.click("button.primary")
    page.select_option("#f-state", "Rajasthan")
    page.click("form.filters button[type=submit]")
    row = page.locator("table.queue tbody tr", has_text="Sanganer Block Prints").first
    shoot(page, "07-officer-queue")
    row.locator("a").click()
    card = page.locator("li.card").first
    offering = card.get_attribute("id")
    card.locator("button[value=accepted]").click()
    page.wait_for_url(re.compile(r"/officer/profiles/"))
    assert page.locator(f"#{offering} strong.tag-accepted").count() == 1
    shoot(page, "08-officer-profile")
    page.click("nav.officer-nav a[href='/officer/charts']")
    assert page.locator("svg.chart").count() == 3
    assert page.locator("svg.chart", has_text="(1/1)").count() == 1
    shoot(page, "09-officer-charts")
    page.goto(live.base + "/officer?outcome=accepted")
    assert page.locator("table.queue tbody tr", has_text="Sanganer Block Prints").count() >= 1


def test_widget_on_a_page_of_another_origin(page: Any, live: Live) -> None:
    page.goto(live.partner_page)
    widget = page.locator(".dakmatch-widget")
    widget.locator("#dm-pincode").fill("411001")
    widget.locator("#dm-sector").select_option("engineering_goods")
    widget.locator("input[value=domestic_shipping]").check()
    # the partner's "red 40px" rule does not reach inside the Shadow DOM
    assert widget.locator("button").evaluate("b => getComputedStyle(b).fontSize") == "16px"
    widget.locator("button").click()
    results = widget.locator("ol.results li")
    results.first.wait_for()
    assert results.count() >= 1
    shoot(page, "10-widget-partner")
    # A key whose tenant does not list this origin: the browser refuses the answer.
    page.goto(live.foreign_page)
    other = page.locator(".dakmatch-widget")
    other.locator("#dm-pincode").fill("411001")
    other.locator("#dm-sector").select_option("engineering_goods")
    other.locator("button").click()
    assert "cannot be reached" in other.locator(".error").first.inner_text()
    # On a Hindi page the widget speaks Hindi (texts from the same catalogues as the pages).
    page.goto(live.hindi_page)
    hindi = page.locator(".dakmatch-widget")
    assert hindi.locator("button").inner_text() == "उपयुक्त सेवाएँ दिखाएँ"
    hindi.locator("#dm-pincode").fill("400001")
    hindi.locator("#dm-sector").select_option("food_spices")
    hindi.locator("input[value=domestic_shipping]").check()  # no padding: a need that fits
    hindi.locator("button").click()
    hindi.locator("ol.results li").first.wait_for()
    assert hindi.locator("h2", has_text="उपयुक्त सेवाएँ").count() == 1


def test_form_to_results_without_javascript(browser: Any, live: Live) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live.base + "/?lang=en")
    fill_profile(page)
    page.click("button.primary")
    assert page.locator("h1").inner_text() == "Services that fit your business"
    assert page.locator("li.card").count() >= 3
    assert (
        "Jaipur, Rajasthan" in page.locator("p.lead").inner_text()
    )  # the PIN's place, server-side
    shoot(page, "11-results-no-javascript")
    context.close()


def _axe_source() -> str:
    if not AXE_JS.exists() and shutil.which("npm"):
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(AXE_DIR),
                "axe-core@4",
            ],
            check=False,
            capture_output=True,
            timeout=300,
        )
    if not AXE_JS.exists():
        pytest.skip("axe-core is not installed (npm install --prefix artifacts/node axe-core@4)")
    return AXE_JS.read_text(encoding="utf-8")


def test_accessibility_axe_core_no_serious_violations(browser: Any, live: Live) -> None:
    axe = _axe_source()
    report: dict[str, Any] = {}
    # axe-core is injected as an inline script, which the pages' policy forbids (rightly).
    context = browser.new_context(viewport=PHONE, locale="en-IN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)

    def audit(name: str) -> None:
        page.add_script_tag(content=axe)
        result = page.evaluate(AXE_RUN)
        report[name] = [
            {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"]}
            for v in result["violations"]
        ]

    page.goto(live.base + "/?lang=en")
    audit("form")
    fill_profile(page, pincode="999999")
    page.click("button.primary")
    audit("form-errors")
    fill_profile(page)
    page.check("input[name=consent]")
    page.click("button.primary")
    audit("results")
    page.goto(live.base + "/?lang=hi")
    audit("form-hindi")
    page.goto(live.base + "/docs/embed?lang=en")
    audit("embed-docs")
    page.goto(live.base + "/officer")
    audit("officer-sign-in")
    page.fill("#username", OFFICER[0])
    page.fill("#password", OFFICER[1])
    page.click("button.primary")
    audit("officer-queue")
    page.locator("table.queue tbody a").first.click()
    audit("officer-profile")
    page.goto(live.base + "/officer/charts")
    audit("officer-charts")
    context.close()
    save_json(ROOT / "artifacts" / "axe" / "violations.json", report)
    serious = {
        name: [v for v in found if v["impact"] in ("serious", "critical")]
        for name, found in report.items()
    }
    assert not any(serious.values()), serious


def test_pages_run_under_their_content_security_policy(page: Any, live: Live) -> None:
    """No page breaks its own policy: the browser reports no violation, the PIN preview
    script runs, and the widget on the embed docs page is styled by its linked sheet."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    page.goto(live.base + "/?lang=en")
    page.fill("#pincode", "302001")
    page.locator("#pin-place", has_text="Jaipur").wait_for()
    fill_profile(page)
    page.click("button.primary")
    page.locator("li.card").first.wait_for()
    page.goto(live.base + "/docs/embed?lang=en")
    button = page.locator(".dakmatch-widget button")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(179, 0, 27)"
    page.locator(".dakmatch-widget #dm-pincode").fill("411001")
    page.locator(".dakmatch-widget #dm-sector").select_option("engineering_goods")
    page.locator(".dakmatch-widget input[value=domestic_shipping]").check()
    button.click()
    page.locator(".dakmatch-widget ol.results li").first.wait_for()
    assert violations == []


def _widget_answer(page: Any, url: str, pincode: str, sector: str, need: str) -> Any:
    """Fill the widget on ``url`` and submit; the widget and the API's answer it shows."""
    page.goto(url)
    widget = page.locator(".dakmatch-widget")
    widget.locator("#dm-pincode").fill(pincode)
    widget.locator("#dm-sector").select_option(sector)
    widget.locator(f"input[value={need}]").check()
    with page.expect_response(re.compile(r"/v1/recommendations")) as answer:
        widget.locator("button").click()
    widget.locator("ol.results, p.fewer").first.wait_for()
    return widget, answer.value


def test_widget_shows_the_questions_and_says_when_fewer_fit(page: Any, live: Live) -> None:
    """Issue 17 in the widget: the answer's ``ask`` questions (at most three, in the widget's
    language) and a note when fewer suggestions than the limit came back."""
    # Cash on delivery for handicrafts in Pune: fewer than five fit, and questions come back.
    widget, response = _widget_answer(page, live.partner_page, "411001", "handicrafts",
                                      "cash_on_delivery")
    assert "lang=en" in response.url
    body = response.json()
    asks = [a["why"] for a in body["ask"]][:3]
    assert asks, "this profile's answer has questions"
    assert widget.locator("section.ask li").all_inner_texts() == asks
    assert widget.locator("section.ask h3").inner_text() == "Tell us more to get a better answer"
    recs = body["recommendations"]
    assert 0 < len(recs) < 5  # the widget's default limit
    assert widget.locator("ol.results > li").count() == len(recs)
    assert "Only these services fit" in widget.locator("p.fewer").inner_text()
    shoot(page, "11-widget-questions")
    # A full list: no note.
    widget, response = _widget_answer(page, live.partner_page, "411001", "engineering_goods",
                                      "international_shipping")
    assert len(response.json()["recommendations"]) == 5
    assert widget.locator("p.fewer").count() == 0
    # On a Hindi page: the answer is asked in Hindi, its questions and reasons shown in Hindi.
    widget, response = _widget_answer(page, live.hindi_page, "411001", "handicrafts",
                                      "cash_on_delivery")
    assert "lang=hi" in response.url
    questions = widget.locator("section.ask li").all_inner_texts()
    assert questions == [a["why"] for a in response.json()["ask"]][:3]
    assert questions
    assert all(re.search("[\u0900-\u097F]", q) for q in questions), questions
    assert widget.locator("section.ask h3").inner_text() == "बेहतर सुझाव के लिए थोड़ा और बताइए"
    assert widget.locator("p.fewer").inner_text().startswith("आपकी बताई बातों से केवल")
    names = widget.locator("ol.results > li > strong").all_inner_texts()
    assert names
    assert all(re.search("[\u0900-\u097F]", n) for n in names), names
    shoot(page, "12-widget-questions-hindi")


def test_results_page_asks_and_says_fewer_fit_in_hindi_and_marathi(
    page: Any, live: Live
) -> None:
    """Issue 17 on the results page: fewer services fit than the page lists, so it says so
    and shows the answer's questions (at most three, one short question each) in the page's
    language, Hindi and then Marathi."""
    body = {"pincode": "411001", "sector": "handicrafts", "needs": ["cash_on_delivery"]}
    page.goto(live.base + "/?lang=hi")
    page.fill("#pincode", body["pincode"])
    page.select_option("#sector", body["sector"])
    page.check("input[name=needs][value=cash_on_delivery]")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/results"))
    for lang, title, fewer in (
        ("hi", "बेहतर सुझाव के लिए थोड़ा और बताइए", "आपकी बताई बातों से केवल"),
        ("mr", "अधिक चांगल्या उत्तरासाठी आणखी थोडे सांगा", "तुम्ही सांगितलेल्या माहितीशी फक्त"),
    ):
        if lang == "mr":
            page.click("nav.langs button[lang=mr]")
        assert page.locator("html").get_attribute("lang") == lang
        answer = page.request.post(f"{live.base}/v1/recommendations?lang={lang}", data=body)
        expected = [a["why"] for a in answer.json()["ask"]]
        assert 0 < len(expected) <= 3
        assert page.locator("#ask h2").inner_text() == title
        questions = page.locator("#ask li").all_inner_texts()
        assert questions == expected
        assert all(re.search("[\u0900-\u097F]", q) for q in questions), questions
        assert page.locator("#ask").is_visible()
        cards = page.locator("li.card").count()
        assert cards == len(answer.json()["recommendations"])
        assert 0 < cards < 10
        assert page.locator("#fewer").inner_text().startswith(fewer)
        shoot(page, f"13-results-questions-{lang}")


def test_officer_reads_a_stored_run_in_hindi(page: Any, live: Live) -> None:
    """Issue 18: a run stored from an English visit, read by an officer in Hindi: the queue's
    suggestions and the profile's cards name the offerings in Hindi, the reasons (a US duty
    caveat among them) are written in Hindi from the run's codes."""
    store_consenting_profile(page, live, "Bagru Dabu Prints")
    sign_in_officer(page, live, "hi")
    row = page.locator("table.queue tbody tr", has_text="Bagru Dabu Prints").first
    suggestions = row.locator("td").nth(4).inner_text()
    assert all(re.search("[\u0900-\u097F]", name) for name in suggestions.split("; ")), suggestions
    row.locator("a").click()
    page.wait_for_url(re.compile(r"/officer/profiles/"))
    names = page.locator("li.card h2").all_inner_texts()
    assert names
    assert all(re.search("[\u0900-\u097F]", n) for n in names), names
    _reasons_are_in_devanagari(page)
    text = page.locator("ol.cards").inner_text()
    assert "Delivery Duty Paid" not in text  # the caveat's English text
    assert "डिलीवरी ड्यूटी पेड" in text  # ...in Hindi, from the catalogue
    shoot(page, "13-officer-profile-hindi")


def test_officer_pages_write_counts_in_the_pages_language(page: Any, live: Live) -> None:
    """Issue 16: the queue counts its profiles with the noun's plural, in Hindi too, and the
    charts write their figures and weeks in the page's language (Babel's formats)."""
    import datetime as dt

    from service.reasons import day_and_month

    store_consenting_profile(page, live, "Chomu Blue Pottery")
    sign_in_officer(page, live, "en")
    rows = page.locator("table.queue tbody tr").count()
    noun = "profile" if rows == 1 else "profiles"
    assert page.locator("#found").inner_text() == f"{rows} {noun} found"
    page.locator("table.queue tbody tr", has_text="Chomu Blue Pottery").first.locator("a").click()
    page.locator("li.card").first.locator("button[value=enrolled]").click()
    page.wait_for_url(re.compile(r"/officer/profiles/"))
    page.goto(live.base + "/officer?lang=hi")
    found = page.locator("#found").inner_text()
    assert re.fullmatch(r"\d+ प्रोफ़ाइल(ें मिलीं| मिली)", found), found
    assert found.startswith(f"{rows} ")
    page.goto(live.base + "/officer/charts?lang=hi")
    today = dt.datetime.now(dt.UTC).date()
    week = day_and_month(today - dt.timedelta(days=today.weekday()), "hi")
    assert page.locator("svg.chart text", has_text=week).count() == 1
    rates = page.locator("svg.chart text").filter(has_text=re.compile(r"^\d+% \(\d+/\d+\)$"))
    assert rates.count() >= 1
    names = page.locator("table.acceptance tbody th").all_text_contents()
    assert names
    assert all(re.search("[\u0900-\u097F]", n) for n in names), names
    shoot(page, "14-officer-charts-hindi")
