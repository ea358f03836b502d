"""Charts for the notebooks: seaborn-based, axes-polite, one module per topic.

Every function is ``plot_<thing>(data, *, <options>, ax=None) -> Axes``: it
draws on the given ``ax`` (or a new one), labels through ``ax.set``, never
touches pyplot's global state and returns the Axes. Metric functions never
plot; these functions take their results (or the shop tables) as input.
"""

__all__: list[str] = []
from ._overview import glossary_table, plot_data_window, plot_family_counts, plot_identity_tree, plot_metric_map, plot_revenue_bases, plot_revenue_bridge, plot_table_map, plot_table_sizes  # noqa: E402,E501
__all__ += ["glossary_table", "plot_data_window", "plot_family_counts", "plot_identity_tree", "plot_metric_map", "plot_revenue_bases", "plot_revenue_bridge", "plot_table_map", "plot_table_sizes"]  # noqa: E501
from ._traffic import plot_bounce_rates, plot_keyword_scatter, plot_keywords, plot_market_ranks, plot_market_share, plot_mix_over_time, plot_traffic_explorer, plot_traffic_trend, safe_labels  # noqa: E402,E501
__all__ += ["plot_bounce_rates", "plot_keyword_scatter", "plot_keywords", "plot_market_ranks", "plot_market_share", "plot_mix_over_time", "plot_traffic_explorer", "plot_traffic_trend", "safe_labels"]  # noqa: E501
from ._members import display_text, plot_buyer_profile, plot_cohort_heatmap, plot_cohort_repurchase, plot_gap_distribution, plot_lifecycle_flows, plot_new_vs_returning, plot_p_alive, plot_repurchase_methods, plot_rfm_segments, plot_value_concentration  # noqa: E402,E501
__all__ += ["display_text", "plot_buyer_profile", "plot_cohort_heatmap", "plot_cohort_repurchase", "plot_gap_distribution", "plot_lifecycle_flows", "plot_new_vs_returning", "plot_p_alive", "plot_repurchase_methods", "plot_rfm_segments", "plot_value_concentration"]  # noqa: E501
from ._campaigns import campaign_labels, plot_acquisition, plot_campaign_calendar, plot_campaign_timeline, plot_contact_repurchase, plot_coupon_kinds, plot_pd_funnel, plot_pd_launch, plot_phase_averages, plot_reactivation, plot_uplift, plot_win_back  # noqa: E402,E501
__all__ += ["campaign_labels", "plot_acquisition", "plot_campaign_calendar", "plot_campaign_timeline", "plot_contact_repurchase", "plot_coupon_kinds", "plot_pd_funnel", "plot_pd_launch", "plot_phase_averages", "plot_reactivation", "plot_uplift", "plot_win_back"]  # noqa: E501
from ._finance import plot_channel_heatmap, plot_channel_ratios, plot_cost_ratios, plot_delivery_days, plot_margins, plot_pnl_waterfall, plot_refund_by_delivery, plot_trend  # noqa: E402,E501
__all__ += ["plot_channel_heatmap", "plot_channel_ratios", "plot_cost_ratios", "plot_delivery_days", "plot_margins", "plot_pnl_waterfall", "plot_refund_by_delivery", "plot_trend"]  # noqa: E501
from ._products import plot_category_bars, plot_hot_items, plot_pareto, plot_refund_reasons, plot_stockout_heatmap  # noqa: E402,E501
__all__ += ["plot_category_bars", "plot_hot_items", "plot_pareto", "plot_refund_reasons", "plot_stockout_heatmap"]  # noqa: E501
from ._conversion import plot_ab_test, plot_campaign_days, plot_drop_off, plot_funnel, plot_funnel_explorer, plot_rates, plot_step_conversion, plot_weekly_rate  # noqa: E402,E501
__all__ += ["plot_ab_test", "plot_campaign_days", "plot_drop_off", "plot_funnel", "plot_funnel_explorer", "plot_rates", "plot_step_conversion", "plot_weekly_rate"]  # noqa: E501
from ._diagnosis import factor_label, plot_factor_change, plot_order_dependence, plot_period_series, plot_segment_contributions, plot_waterfall  # noqa: E402,E501
__all__ += ["factor_label", "plot_factor_change", "plot_order_dependence", "plot_period_series", "plot_segment_contributions", "plot_waterfall"]  # noqa: E501
