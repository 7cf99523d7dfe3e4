package io.querysub.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.version.Version;
import org.junit.jupiter.api.Test;

class StoreAccessTest {
  @Test
  void commitsReadingTheSameUnchangedDataShareOneLock() {
    StoreAccess.LockCache cache = new StoreAccess.LockCache();
    Version v1 = Version.parse("1000.0.1");
    Version v2 = Version.parse("2000.0.1");
    ReadLock a = cache.lock(Path.parse("/rooms/r/members/u"), v1);
    ReadLock b = cache.lock(Path.parse("/rooms/r/members/u"), v1); // another Path object, equal
    assertThat(b).isSameAs(a);
    ReadLock c = cache.lock(Path.parse("/rooms/r/members/u"), v2); // the data changed
    assertThat(c).isNotSameAs(a).isEqualTo(ReadLock.value(Path.parse("/rooms/r/members/u"), v2));
    assertThat(cache.lock(Path.parse("/rooms/r/members/u"), v2)).isSameAs(c);
  }

  @Test
  void theCacheStaysBounded() {
    StoreAccess.LockCache cache = new StoreAccess.LockCache();
    Version v = Version.parse("1000.0.1");
    for (int i = 0; i < StoreAccess.CACHE_LIMIT + 10; i++) {
      cache.lock(Path.of("p", Integer.toString(i)), v);
    }
    assertThat(cache.size()).isLessThanOrEqualTo(StoreAccess.CACHE_LIMIT);
  }
}
