package io.querysub.jobs;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts jobs on the schedules in configuration ({@code querysub.jobs.<job>.every}), with
 * non-persistent interval timers (a tick missed while the node was down is not made up). A tick
 * whose job is still running on this node is skipped. Reading the settings here, at deployment,
 * makes a bad job setting stop the deployment with a message naming it.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class JobSchedules {
  private static final Logger LOG = Logger.getLogger(JobSchedules.class.getName());

  @Resource TimerService timers;
  @Inject JobConfig config;
  @Inject Jobs jobs;

  @PostConstruct
  void schedule() {
    for (Map.Entry<String, Duration> e : config.settings().schedules().entrySet()) {
      long every = e.getValue().toMillis();
      timers.createIntervalTimer(every, every, new TimerConfig(e.getKey(), false));
      LOG.info(() -> "job " + e.getKey() + " runs every " + e.getValue());
    }
  }

  @Timeout
  void tick(Timer timer) {
    String job = (String) timer.getInfo();
    try {
      if (jobs.running(job)) {
        LOG.fine(() -> "scheduled " + job + " skipped: the last one still runs");
        return;
      }
      jobs.start(job, Map.of(), "schedule", "schedule");
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot start the scheduled job " + job, e);
    }
  }
}
