package io.fitbitpipeline.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link IsoDate} gives what {@code LocalDate.parse} gives, and fails where it fails. */
class IsoDateTest {
  @Test
  void agreesWithLocalDateParseOnEveryDayAndOnNearMisses() {
    List<String> texts = new ArrayList<>();
    // Every day of four years, a leap year and a century that is not one among them.
    for (LocalDate d = LocalDate.parse("1899-01-01"); d.getYear() < 1901; d = d.plusDays(1)) {
      texts.add(d.toString());
    }
    for (LocalDate d = LocalDate.parse("2027-12-01"); d.getYear() < 2029; d = d.plusDays(1)) {
      texts.add(d.toString());
    }
    texts.addAll(
        List.of(
            "0000-01-01",
            "9999-12-31",
            "2026-02-29",
            "2028-02-30",
            "2026-04-31",
            "2026-00-10",
            "2026-13-01",
            "2026-01-00",
            "2026-01-32",
            "2026/01/01",
            "2026-1-01",
            "20260101",
            "2026-01-01 ",
            " 2026-01-1",
            "+2026-01-01",
            "-2026-01-01",
            "+12026-01-01",
            "2026-0a-01",
            "２０２６-01-01",
            "2026-01-0\u0661",
            ""));
    Random random = new Random(5);
    char[] alphabet = "0123456789-+/ x".toCharArray();
    for (int i = 0; i < 20_000; i++) {
      char[] text = "2026-11-16".toCharArray();
      for (int k = 0; k <= random.nextInt(3); k++) {
        text[random.nextInt(text.length)] = alphabet[random.nextInt(alphabet.length)];
      }
      texts.add(new String(text));
    }
    int invalid = 0;
    for (String text : texts) {
      LocalDate expected;
      try {
        expected = LocalDate.parse(text);
      } catch (DateTimeParseException e) {
        invalid++;
        assertThrows(DateTimeParseException.class, () -> IsoDate.parse(text), text);
        continue;
      }
      assertEquals(expected, IsoDate.parse(text), text);
    }
    // Both kinds were tried in numbers.
    assertEquals(true, invalid > 10_000 && texts.size() - invalid > 1_400, "invalid: " + invalid);
  }
}
