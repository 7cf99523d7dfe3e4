package io.querysub.web.demo;

import io.querysub.core.fn.FunctionTx;
import io.querysub.core.fn.ServerFunction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The demo board's server functions. Cards live under {@code
 * /demo/boards/<board>/cards/<card>/text} (a string) and {@code .../votes} (a number); the page
 * predicts both functions, so their effects show at once and are confirmed or rolled back when the
 * outcome arrives.
 */
@ApplicationScoped
public class Board {
  private static final String KEY = "[A-Za-z0-9_-]{1,64}";

  /** A new card: its board, its id (chosen by the page) and its text. */
  public record NewCard(
      @NotNull @Pattern(regexp = KEY) String board,
      @NotNull @Pattern(regexp = KEY) String card,
      @NotBlank @Size(max = 40) String text) {}

  /** A card of a board. */
  public record CardRef(
      @NotNull @Pattern(regexp = KEY) String board, @NotNull @Pattern(regexp = KEY) String card) {}

  /** Adds a card with no votes; refuses an id already in use. */
  @ServerFunction("board.add")
  public void add(FunctionTx tx, @Valid @NotNull NewCard c) {
    if (tx.exists(path(c.board(), c.card(), "text"))) {
      throw new IllegalArgumentException("a card with this id exists");
    }
    tx.set(path(c.board(), c.card(), "text"), c.text());
    tx.set(path(c.board(), c.card(), "votes"), 0);
  }

  /** Adds one vote to a card; refuses a card that does not exist (any more). */
  @ServerFunction("board.vote")
  public long vote(FunctionTx tx, @Valid @NotNull CardRef c) {
    if (!tx.exists(path(c.board(), c.card(), "text"))) {
      throw new IllegalArgumentException("this card does not exist (it may have been deleted)");
    }
    Long votes = tx.get(path(c.board(), c.card(), "votes"), Long.class);
    long next = (votes == null ? 0 : votes) + 1;
    tx.set(path(c.board(), c.card(), "votes"), next);
    return next;
  }

  private static String path(String board, String card, String field) {
    return "/demo/boards/" + board + "/cards/" + card + "/" + field;
  }
}
