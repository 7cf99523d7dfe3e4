package io.querysub.engine.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Validity;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import org.junit.jupiter.api.Test;

class TransactionTest {
  private final Store store = new Store(StoreOptions.DEFAULTS, new HybridClock(1));
  private final Path a = Path.parse("/acct/a");
  private final Path b = Path.parse("/acct/b");

  private void seed(Path p, int v) {
    Transaction t = store.begin();
    t.write(p, Value.ofJson(Integer.toString(v)));
    assertThat(t.commit().isValid()).isTrue();
  }

  private static int num(Value v) {
    return Integer.parseInt(v.json());
  }

  @Test
  void capturesReadsAsLocksAndWritesAsOneVersion() {
    seed(a, 10);
    seed(b, 0);
    Transaction t = store.begin();
    int x = num(t.read(a).value());
    int y = num(t.read(b).value());
    t.write(a, Value.ofJson(Integer.toString(x - 3)));
    t.write(b, Value.ofJson(Integer.toString(y + 3)));
    assertThat(t.locks())
        .containsExactly(
            ReadLock.value(a, store.read(a).version()), ReadLock.value(b, store.read(b).version()));
    CommitResult r = t.commit();
    assertThat(r.isValid()).isTrue();
    assertThat(store.read(a).version()).isEqualTo(r.version());
    assertThat(store.read(b).version()).isEqualTo(r.version());
    assertThat(num(store.read(a).value()) + num(store.read(b).value())).isEqualTo(10);
  }

  @Test
  void aConcurrentWriteRejectsTheTransactionAndNamesThePath() {
    seed(a, 10);
    Transaction t = store.begin();
    t.read(a);
    t.write(b, Value.ofJson("1"));
    seed(a, 11);
    CommitResult r = t.commit();
    assertThat(r.validity()).isEqualTo(Validity.REJECTED);
    assertThat(r.conflict().path()).isEqualTo(a);
    assertThat(store.read(b).exists()).isFalse();
  }

  @Test
  void readsItsOwnWritesWithoutLocking() {
    Transaction t = store.begin();
    t.write(a, Value.ofJson("5"));
    assertThat(t.read(a).value().json()).isEqualTo("5");
    assertThat(t.locks()).isEmpty();
    t.delete(a);
    assertThat(t.read(a).exists()).isFalse();
    assertThat(t.writes()).hasSize(1);
  }

  @Test
  void theFirstReadOfAPathIsTheOneLocked() {
    seed(a, 1);
    Version first = store.read(a).version();
    Transaction t = store.begin();
    t.read(a);
    seed(a, 2);
    assertThat(t.read(a).value().json()).isEqualTo("2");
    assertThat(t.locks()).containsExactly(ReadLock.value(a, first));
    assertThat(t.commit().isValid()).isFalse();
  }

  @Test
  void childrenListingIsLocked() {
    seed(Path.parse("/room/r/m1"), 1);
    Transaction t = store.begin();
    assertThat(t.children(Path.parse("/room/r"), null, 10, false).children()).hasSize(1);
    t.write(Path.parse("/room/r/count"), Value.ofJson("1"));
    seed(Path.parse("/room/r/m2"), 2);
    CommitResult r = t.commit();
    assertThat(r.validity()).isEqualTo(Validity.REJECTED);
    assertThat(r.conflict().children()).isTrue();
  }

  @Test
  void commitsOnce() {
    Transaction t = store.begin();
    t.write(a, Value.ofJson("1"));
    t.commit();
    assertThatThrownBy(t::commit).isInstanceOf(IllegalStateException.class);
  }
}
