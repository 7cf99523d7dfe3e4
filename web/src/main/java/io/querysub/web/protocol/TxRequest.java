package io.querysub.web.protocol;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * {@code POST /api/v1/tx}: value locks, children locks and writes; any list may be left out. A
 * transaction without writes only checks its locks (an audit). Count limits come from the settings,
 * so they are checked by the service rather than by annotations here.
 */
public record TxRequest(
    List<@NotNull @Valid LockRequest> reads,
    List<@NotNull @Valid LockRequest> childReads,
    List<@NotNull @Valid WriteRequest> writes) {

  public List<LockRequest> readsOrEmpty() {
    return reads == null ? List.of() : reads;
  }

  public List<LockRequest> childReadsOrEmpty() {
    return childReads == null ? List.of() : childReads;
  }

  public List<WriteRequest> writesOrEmpty() {
    return writes == null ? List.of() : writes;
  }
}
