package io.querysub.engine.wal;

import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import java.util.List;

/** One commit read back from the log: its version and its writes (a delete is an absent value). */
public record WalRecord(Version version, List<Write> writes) {}
