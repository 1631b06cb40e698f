package dev.stencil.automata.vocab;

import java.util.Arrays;

/** A growable {@code int} array, so the encoder's buffers hold no boxed integers. */
final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
        data = new int[Math.max(4, capacity)];
    }

    int size() {
        return size;
    }

    int get(int i) {
        return data[i];
    }

    void clear() {
        size = 0;
    }

    void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = v;
    }

    void add(int a, int b) {
        if (size + 2 > data.length) {
            data = Arrays.copyOf(data, Math.max(size + 2, size * 2));
        }
        data[size++] = a;
        data[size++] = b;
    }

    void addAll(int[] values) {
        if (size + values.length > data.length) {
            data = Arrays.copyOf(data, Math.max(size + values.length, size * 2));
        }
        System.arraycopy(values, 0, data, size, values.length);
        size += values.length;
    }

    int[] copyRange(int from, int to) {
        return Arrays.copyOfRange(data, from, to);
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
