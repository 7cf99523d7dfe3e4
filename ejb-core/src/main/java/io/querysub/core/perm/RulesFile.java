package io.querysub.core.perm;

import io.querysub.core.auth.AuthSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads the rules file at startup and again whenever it changes (checked every {@code
 * querysub.rules.checkInterval}) into the node's {@link Permissions}. A file that fails to load at
 * startup leaves every operation denied; one that fails on a reload leaves the rules in force as
 * they were. Either way the problems are logged and reported ({@link #status}).
 *
 * <p>Threading: bean-managed concurrency; a reload swaps the rule set whole, so a check sees either
 * the old rules or the new ones.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RulesFile {
  private static final Logger LOG = Logger.getLogger(RulesFile.class.getName());

  @Inject PermissionsProducer producer;
  @Resource TimerService timers;

  private AuthSettings settings;
  private Permissions permissions;
  private volatile Status status = new Status(false, "not loaded", List.of(), 0, 0);
  private FileTime loadedTime;
  private long loadedSize = -1;

  /**
   * Where the rules stand.
   *
   * @param loaded whether a rules file is in force
   * @param source the file, or why none is
   * @param problems what was wrong with the file last read (empty when it loaded)
   * @param rules how many rules are in force
   * @param loads how many times a rules file was put in force since the node started
   */
  public record Status(
      boolean loaded, String source, List<String> problems, int rules, int loads) {}

  private int loads; // guarded by this

  @PostConstruct
  void start() {
    settings = producer.settings();
    permissions = producer.permissions();
    if (!settings.permissions()) {
      status =
          new Status(false, "permissions off (" + AuthSettings.PERMISSIONS + ")", List.of(), 0, 0);
      LOG.warning(
          "Permissions are off: every caller may read, write and call everything ("
              + AuthSettings.PERMISSIONS
              + "=false)");
      return;
    }
    reload();
    long period = settings.rulesCheckInterval().toMillis();
    timers.createIntervalTimer(period, period, new TimerConfig("rules-file", false));
  }

  /** The permissions this file feeds. */
  public Permissions permissions() {
    return permissions;
  }

  public Status status() {
    return status;
  }

  @Timeout
  void tick() {
    try {
      Path f = settings.rulesFile();
      FileTime t = Files.exists(f) ? Files.getLastModifiedTime(f) : null;
      long size = t == null ? -1 : Files.size(f);
      if (t == null ? loadedTime != null : !t.equals(loadedTime) || size != loadedSize) {
        reload();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "checking the rules file failed", e);
    }
  }

  /**
   * Reads the rules file now and puts it in force if it is valid.
   *
   * @return where the rules stand afterwards
   */
  public synchronized Status reload() {
    Path f = settings.rulesFile();
    String text;
    try {
      loadedTime = Files.getLastModifiedTime(f);
      loadedSize = Files.size(f);
      text = Files.readString(f, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      loadedTime = null;
      loadedSize = -1;
      permissions.use(RuleSet.denyAll("no rules file at " + f));
      status =
          new Status(
              false, f.toString(), List.of("no rules file: every operation is denied"), 0, loads);
      LOG.warning(
          "No rules file at " + f + " (" + AuthSettings.RULES + "): every operation is denied");
      return status;
    } catch (IOException e) {
      status = failed(f, List.of("cannot read it: " + e.getMessage()));
      return status;
    }
    try {
      RuleSet rules = RuleSet.parse(text, f.toString());
      permissions.use(rules);
      status = new Status(true, f.toString(), List.of(), rules.size(), ++loads);
      LOG.info(() -> "Rules loaded from " + f + ": " + rules.size() + " rules");
    } catch (RulesException e) {
      status = failed(f, e.problems());
    }
    return status;
  }

  private Status failed(Path f, List<String> problems) {
    boolean inForce = status.loaded();
    LOG.severe(
        "The rules file "
            + f
            + " was not loaded ("
            + (inForce ? "the rules loaded before stay in force" : "every operation is denied")
            + "): "
            + String.join("; ", problems));
    return new Status(inForce, f.toString(), problems, inForce ? status.rules() : 0, loads);
  }
}
