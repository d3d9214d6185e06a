package org.lemstriage.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver (never a downloaded one): logs in at the real
 * Keycloak as a person would, opens console pages, keeps screenshots, runs axe-core in the page.
 */
public final class ConsoleBrowser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    public final WebDriver driver;
    private final Path screenshots;

    /** Screenshots go to {@code screenshots}. */
    public ConsoleBrowser(Path screenshots) {
        this.screenshots = screenshots;
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        // As root in a container Chromium needs --no-sandbox; the rest keep it off a closed network and quiet
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    /** Opens {@code url}; at Keycloak's login form, logs in as {@code user} (password: the user's name, as in the demo realm). */
    public ConsoleBrowser login(String url, String user) {
        driver.get(url);
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(user);
        driver.findElement(By.id("kc-login")).click();
        new WebDriverWait(driver, WAIT).until(d -> d.getCurrentUrl().startsWith(url.substring(0, url.indexOf("/console"))));
        return this;
    }

    public ConsoleBrowser open(String url) {
        driver.get(url);
        return this;
    }

    /**
     * Waits (up to a minute) until the browser shows a console page at {@code path}: its URL, the document loaded,
     * its heading there. A click on a link returns before the next page has come.
     */
    public ConsoleBrowser awaitPage(String path) {
        new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> d.getCurrentUrl().contains(path)
                && "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState"))
                && !d.findElements(By.cssSelector("main h1")).isEmpty());
        return this;
    }

    public String text(String css) {
        return driver.findElement(By.cssSelector(css)).getText();
    }

    public List<String> texts(String css) {
        return driver.findElements(By.cssSelector(css)).stream().map(e -> e.getText()).toList();
    }

    public void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(screenshots);
        Files.copy(shot.toPath(), screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * What {@code path} answers with the browser's own session (a download link's contents); an answer other than 200
     * is its status and body, e.g. "403 ".
     */
    public String fetch(String path) {
        return (String) ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " fetch(arguments[0]).then(r => r.text().then(t => done(r.status === 200 ? t : r.status + ' ' + t)), e => done('failed: ' + e));", path);
    }

    /** axe-core run on the page: the violations of impact serious or critical, as "rule: help (n nodes)". */
    @SuppressWarnings("unchecked")
    public List<String> seriousAccessibilityViolations() {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(AxeCore.script());
        Map<String, Object> results = (Map<String, Object>) js.executeAsyncScript(
                "const done = arguments[arguments.length - 1]; axe.run(document).then(done, e => done({error: String(e)}));");
        if (results.containsKey("error")) {
            throw new IllegalStateException("axe-core failed: " + results.get("error"));
        }
        return ((List<Map<String, Object>>) results.get("violations")).stream()
                .filter(v -> "serious".equals(v.get("impact")) || "critical".equals(v.get("impact")))
                .map(v -> v.get("id") + ": " + v.get("help") + " (" + ((List<?>) v.get("nodes")).size() + " nodes)").toList();
    }

    /** The texts of a chart's bars ("label: value"), for checking that it has points. */
    public List<String> chartPoints(String chartCss) {
        return driver.findElements(By.cssSelector(chartCss + " svg rect.point title")).stream().map(t -> t.getAttribute("textContent")).toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
