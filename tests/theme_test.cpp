// Both themes read from the back of a lecture hall: every colour pair the window draws meets WCAG AA
// (4.5:1 for text, 3:1 for lines and box edges), with translucent colours blended over their ground.
#include <gtest/gtest.h>

#include "viz/theme.h"

TEST(Theme, the_contrast_ratio_is_wcags) {
    EXPECT_NEAR(viz::contrast(ImVec4(0, 0, 0, 1), ImVec4(1, 1, 1, 1)), 21.0f, 0.01f);
    EXPECT_NEAR(viz::contrast(ImVec4(0.5f, 0.5f, 0.5f, 1), ImVec4(0.5f, 0.5f, 0.5f, 1)), 1.0f, 0.001f);
    // #767676 on white is the lightest grey text that passes AA: 4.54:1.
    float g = 0x76 / 255.0f;
    EXPECT_NEAR(viz::contrast(ImVec4(g, g, g, 1), ImVec4(1, 1, 1, 1)), 4.54f, 0.01f);
}

TEST(Theme, every_colour_pair_of_both_themes_meets_wcag_aa) {
    for (bool dark : {true, false}) {
        auto pairs = viz::colour_pairs(dark);
        EXPECT_GT(pairs.size(), 60u);
        for (const auto& p : pairs)
            EXPECT_GE(viz::contrast(p.fg, p.bg), p.minimum) << (dark ? "dark: " : "light: ") << p.what;
    }
}
