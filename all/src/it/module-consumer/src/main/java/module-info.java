module consumer {
    requires io.jpoll.all;
}
