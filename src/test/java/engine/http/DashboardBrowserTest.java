package engine.http;

import static engine.http.LiveEventsTest.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real headless Chromium against a real node: what a user sees on each page,
 * live updates without a reload, the condition editor's errors, the token prompt. Writes a
 * screenshot of each page to {@code target/screenshots/}.
 */
class DashboardBrowserTest {
    static final String TOKEN = "browser-t0ken";
    /** A hit at every closed bar of the two tickers the hit and candle tests push. */
    static final String CONDITIONS = "{\"every-bar\": {\"symbols\": [\"BTCUSDT\", \"ADAUSDT\"], "
            + "\"when\": [\"CLOSE\", \">\", 0]}}";
    @TempDir
    static Path dir;
    static ApiNode api;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        Browser.requireChromium();
        api = ApiNode.start(dir, CONDITIONS, TOKEN);
        browser = Browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (api != null) {
            api.close();
        }
    }

    /** Ticks in CRYPTO at {@code price}, {@code minutes} after the first bar of LiveEventsTest. */
    static void push(String symbol, double minutes, double price) throws Exception {
        long time = LiveEventsTest.T0 + (long) (minutes * 60_000);
        RawHttp.Reply r = RawHttp.send(api.open, "POST", "/api/ticks", JSON, "[{\"time\":" + time + ",\"symbol\":\""
                + symbol + "\",\"price\":" + price + ",\"volume\":2,\"market\":\"CRYPTO\"}]");
        assertEquals(200, r.status(), r.body());
    }

    static void open(String route) {
        browser.driver.get("http://127.0.0.1:" + api.open + "/#/" + route);
    }

    static String text(String css) {
        List<WebElement> found = browser.driver.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    @Test
    void overviewListsPushedTickers() throws Exception {
        for (int n = 0; n < 30; n++) {
            push("ETHUSDT", n * 5, 3000 + 10 * Math.sin(n / 3.0) + n);
            push("SOLUSDT", n * 5, 150 - n * 0.5);
        }
        open("overview");
        browser.await(d -> text("#overview-rows").contains("ETHUSDT") && text("#overview-rows").contains("SOLUSDT"),
                "the overview lists both pushed tickers");
        // first paint on loopback, for the README (a figure, not an assertion: speed is not a unit test's)
        Object paint = browser.js("const p = performance.getEntriesByName('first-contentful-paint')[0];"
                + " return p ? Math.round(p.startTime) : null");
        System.out.println("dashboard first contentful paint: " + paint + " ms");
        browser.screenshot("overview");
        browser.size(390, 844); // a phone
        browser.screenshot("overview-phone");
        browser.size(1280, 900);
        // filtering
        browser.driver.findElement(By.id("overview-filter")).sendKeys("SOL");
        browser.await(d -> !text("#overview-rows").contains("ETHUSDT"), "the filter leaves ETHUSDT out");
    }

    @Test
    void theFormingCandleMovesAsTicksArriveWithoutAReload() throws Exception {
        for (int n = 0; n < 30; n++) { // bars from three hours ago (a tick further ahead than 5 min is refused)
            push("BTCUSDT", n * 5, 90_000 + 400 * Math.sin(n / 4.0) + 20 * n);
        }
        push("BTCUSDT", 150.5, 91_000);
        open("ticker/BTCUSDT");
        browser.await(d -> text("#ticker-forming").equals("91,000"), "the forming bar's close shown");
        browser.js("window.sameDocument = 'yes'");
        push("BTCUSDT", 151, 91_234);
        browser.await(d -> text("#ticker-forming").equals("91,234"), "the forming bar follows the tick");
        assertEquals("yes", browser.js("return window.sameDocument"), "no reload");
        assertTrue(Integer.parseInt(String.valueOf(browser.js(
                "return document.getElementById('ticker-chart').dataset.updates"))) >= 1);
        browser.await(d -> text("#daily-na").contains("not available"), "the daily view says it is not available");
        browser.screenshot("ticker");
    }

    @Test
    void aHitAppearsInTheAlertFeedAndAsAMarker() throws Exception {
        push("ADAUSDT", 0, 1.0);
        push("ADAUSDT", 5, 1.1); // closes the first bar: a hit
        open("alerts");
        browser.await(d -> text("#alerts-rows").contains("ADAUSDT"), "the first hit listed");
        push("ADAUSDT", 10, 1.2); // a second, live
        browser.await(d -> browser.driver.findElements(By.cssSelector("#alerts-rows tr[data-hit^='ADAUSDT/']")).size() == 2,
                "the live hit listed without a reload");
        browser.screenshot("alerts");
        browser.driver.findElement(By.cssSelector("#alerts-rows tr[data-hit^='ADAUSDT/'] a")).click();
        browser.await(d -> "2".equals(browser.js("return document.getElementById('ticker-chart')?.dataset.markers")),
                "both hits marked on the candles");
        push("ADAUSDT", 15, 1.3);
        browser.await(d -> "3".equals(browser.js("return document.getElementById('ticker-chart')?.dataset.markers")),
                "a live hit marked");
    }

    @Test
    void aConditionWithAnUnknownFieldShowsTheErrorAtItsPlaceAndCannotBeSaved() throws Exception {
        open("conditions");
        browser.await(d -> text("#conditions-rows").contains("every-bar"), "the conditions listed");
        WebElement name = browser.driver.findElement(By.id("condition-name"));
        name.sendKeys("dip");
        WebElement editor = browser.driver.findElement(By.id("condition-text"));
        editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        editor.sendKeys("{\n  \"cooldown\": \"30m\",\n  \"when\": [\"RSI15\", \"<\", 30]\n}");
        WebElement problem = browser.await(d -> d.findElements(By.cssSelector("#condition-problems li")).stream()
                .filter(li -> li.getText().contains("unknown field")).findFirst().orElse(null), "the problem shown");
        assertEquals("3", problem.getAttribute("data-line"), problem.getText());
        assertTrue(problem.getText().contains("when[0]"), problem.getText());
        assertEquals("3", browser.driver.findElement(By.cssSelector(".gutter .bad")).getText(), "the line marked");
        assertFalse(browser.driver.findElement(By.id("condition-save")).isEnabled(), "cannot be saved");
        browser.screenshot("conditions-error");
        // fixed, it validates, previews and saves
        editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        editor.sendKeys("{\"when\": [\"CLOSE\", \">\", 0]}");
        browser.await(d -> d.findElement(By.id("condition-save")).isEnabled(), "valid now");
        browser.driver.findElement(By.id("preview-run")).click();
        browser.await(d -> text("#preview-result").contains("hit(s) over the"), "the preview answered");
        browser.screenshot("conditions");
        browser.driver.findElement(By.id("condition-save")).click();
        browser.await(d -> text("#conditions-rows").contains("dip"), "saved and listed");
        assertEquals(200, RawHttp.send(api.open, "GET", "/api/conditions/dip", Map.of()).status());
    }

    @Test
    void operationsShowsSinksAndSays() throws Exception {
        open("operations");
        browser.await(d -> text("#ops-sinks").contains("log"), "the log sink listed");
        browser.await(d -> text("#ops-orders-empty").contains("No orders"), "orders: the endpoint answers, none yet");
        browser.screenshot("operations");
    }

    @Test
    void withATokenThePageAsksForItOnceAndGoesLive() throws Exception {
        browser.driver.get("http://127.0.0.1:" + api.guarded + "/#/overview");
        browser.js("sessionStorage.clear()");
        browser.driver.navigate().refresh();
        WebElement input = browser.await(d -> {
            WebElement i = d.findElement(By.id("token-input"));
            return i.isDisplayed() ? i : null;
        }, "the token prompt");
        browser.screenshot("token-prompt");
        input.sendKeys("wrong");
        browser.driver.findElement(By.id("token-submit")).click();
        browser.await(d -> text("#token-error").contains("refused"), "a wrong token is refused");
        input = browser.driver.findElement(By.id("token-input"));
        input.sendKeys(TOKEN);
        browser.driver.findElement(By.id("token-submit")).click();
        browser.await(d -> text("#overview-rows").length() > 0 && !d.findElement(By.id("token-input")).isDisplayed(),
                "the overview loads with the token");
        browser.await(d -> text("#live").equals("live"), "the live stream opened with the session cookie");
        // the token is asked once per tab: a reload does not ask again
        browser.driver.navigate().refresh();
        browser.await(d -> text("#live").equals("live"), "live again after a reload");
        assertFalse(browser.driver.findElement(By.id("token-input")).isDisplayed());
        assertFalse(String.valueOf(browser.js("return document.cookie")).contains(TOKEN), "the token is in no cookie");
    }
}
