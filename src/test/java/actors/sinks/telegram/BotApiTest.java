package actors.sinks.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Bot API client against the fake: each answer of the wire samples becomes its result. */
class BotApiTest {
    @Test
    void answersBecomeResults() throws Exception {
        try (FakeTelegram fake = FakeTelegram.start("1:tok")) {
            BotApi api = new BotApi(TelegramSettings.from(ConfigFactory.parseString("url = \"" + fake.url() + "\""),
                    Map.of("TICKWATCH_TELEGRAM_TOKEN", "1:tok")));
            assertEquals(FakeTelegram.BOT_NAME, api.getMe());
            fake.userSends(5, "/start x");
            assertEquals(1, api.getUpdates(0, Duration.ofSeconds(1)).size());
            fake.script(5, FakeTelegram.Answer.tooManyRequests(15), FakeTelegram.Answer.blocked(),
                    FakeTelegram.Answer.chatNotFound(), FakeTelegram.Answer.serverError("/bot<path>"));
            assertEquals(new BotApi.RetryAfter(Duration.ofSeconds(15)), api.sendMessage(5, "a"));
            assertInstanceOf(BotApi.ChatGone.class, api.sendMessage(5, "a"));
            assertInstanceOf(BotApi.ChatGone.class, api.sendMessage(5, "a"));
            BotApi.SendResult r = api.sendMessage(5, "a");
            assertEquals(new BotApi.Transient("HTTP 500 Internal Server Error at /bot<token>/sendMessage"), r);
            assertInstanceOf(BotApi.Sent.class, api.sendMessage(5, "a"));

            byte[] png = ChartImage.png(ChartImageTest.bars(80), ChartImageTest.T0 + 79 * 300_000L, "#005930");
            assertInstanceOf(BotApi.Sent.class, api.sendPhoto(5, png, "<b>#005930</b> &amp; chart"));
            FakeTelegram.Photo p = fake.photos().get(0);
            assertEquals(5, p.chat());
            assertEquals("<b>#005930</b> &amp; chart", p.caption());
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(p.png()));
            assertEquals(ChartImage.WIDTH, img.getWidth(), "the fake got a valid PNG, byte for byte");
            assertEquals(ChartImage.HEIGHT, img.getHeight());
            assertEquals(java.util.Arrays.toString(png), java.util.Arrays.toString(p.png()));
        }
    }
}
