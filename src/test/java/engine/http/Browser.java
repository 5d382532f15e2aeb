package engine.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import java.util.logging.Level;

/**
 * One headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven through
 * WebDriver, for a test class to share. When they are missing the tests are skipped with the
 * reason, except in CI ({@code CI=true}) or with {@code TICKWATCH_REQUIRE_BROWSER=true}: then they fail.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("TICKWATCH_CHROMIUM", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getenv().getOrDefault("TICKWATCH_CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Skips (or, in CI, fails) when Chromium or its driver is missing. */
    static void requireChromium() {
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM.toString()
                : !Files.isExecutable(DRIVER) ? DRIVER.toString() : null;
        if (missing == null) {
            return;
        }
        String reason = missing + " is missing: apt-get install -y chromium chromium-driver (.ci/run does)";
        if ("true".equals(System.getenv("CI")) || "true".equals(System.getenv("TICKWATCH_REQUIRE_BROWSER"))) {
            Assertions.fail(reason);
        }
        Assumptions.abort(reason);
    }

    static Browser start() throws IOException {
        requireChromium();
        Path profile = Files.createTempDirectory("tickwatch-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        // the machine's network is closed: without these Chromium stalls on its own background calls
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return new Browser(driver, profile);
    }

    /** Waits up to 20 s for {@code condition} to give a non-null, non-false value. */
    <T> T await(Function<WebDriver, T> condition, String what) {
        try {
            return new WebDriverWait(driver, Duration.ofSeconds(20)).withMessage(what).until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            // what the page showed, and its console, so a failure says why
            String shown = String.valueOf(js("return document.body.innerText"));
            String console = driver.manage().logs().getAvailableLogTypes().contains("browser")
                    ? driver.manage().logs().get("browser").getAll().toString() : "";
            throw new AssertionError(what + ": not within 20 s; the page showed:\n" + shown + "\nconsole: " + console, e);
        }
    }

    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** A screenshot for a person to look at: {@code target/screenshots/NAME.png}. */
    void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
