package com.kivyx.ota.transparency;

/** Somewhere a signature can be logged; the answer comes back verified against the pinned log key. */
public interface TransparencyLog {
  /**
   * @throws DuplicateEntryException when the log already has this entry
   * @throws TransparencyLogException when the log cannot be reached or refuses, after bounded retries
   */
  LoggedEntry log(HashedRekord entry);
}
