package com.kivyx.ota.dashboard.web;

/** A page that says what went wrong and what to do. */
public record ErrorPage(int status, String title, String message) {}
