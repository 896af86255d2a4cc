// N_ around a string literal marks an English sentence as a catalog key (a msgid of po/zh_CN/*.po) where it is
// written; it is the text itself. tests/catalog_test.cpp finds the marked literals and checks that
// each has its Chinese. sim/ stays free of gettext: explain/ does the translating.
#pragma once

#ifndef N_
#define N_(s) s
#endif
