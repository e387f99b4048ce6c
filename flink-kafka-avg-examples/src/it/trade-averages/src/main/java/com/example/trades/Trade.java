package com.example.trades;

/** One trade as JSON on the input topic: {"symbol":"ACME","price":12.5,"ts":1767225600000}. */
public record Trade(String symbol, double price, long ts) {
}
