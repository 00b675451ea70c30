"""User-facing text: Vietnamese first, English second. Pages look strings up here.

Numbers: Vietnamese ``1.234,5``; English ``1,234.5``. Every label the dashboard shows
comes from :data:`TEXT` (or from a registry's ``label_vi``/``label_en``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from povcore.indicators import Indicator, Kind, get_indicator

#: Interface languages, Vietnamese first.
LANGUAGES: tuple[str, ...] = ("vi", "en")

TEXT: dict[str, dict[str, str]] = {
    "app_title": {"vi": "Bản đồ giảm nghèo", "en": "Poverty-reduction map"},
    "page_map": {"vi": "Bản đồ nghèo", "en": "Poverty map"},
    "page_overview": {"vi": "Tổng quan", "en": "Overview"},
    "page_data": {"vi": "Số liệu", "en": "Data"},
    "page_units": {"vi": "Đơn vị hành chính", "en": "Administrative units"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "demo": {"vi": "Dữ liệu minh họa", "en": "Demo data (Dữ liệu minh họa)"},
    "approximate": {"vi": "Ranh giới gần đúng", "en": "Approximate boundaries"},
    "approximate_long": {
        "vi": "Ranh giới gần đúng — không tìm thấy tệp ranh giới; hình dạng chỉ mang tính "
              "minh họa. Chạy `povmap geodata fetch`.",
        "en": "Approximate boundaries — no boundary files found; shapes are indicative only. "
              "Run `povmap geodata fetch`.",
    },
    "source": {"vi": "Nguồn số liệu", "en": "Data source"},
    "boundary_source": {"vi": "Nguồn ranh giới", "en": "Boundary source"},
    "last_import": {"vi": "Nhập lần cuối", "en": "Last import"},
    "no_data_store": {
        "vi": "Chưa có số liệu. Chạy `povmap demo` hoặc `povmap import TỆP`.",
        "en": "No data yet. Run `povmap demo` or `povmap import FILE`.",
    },
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "year": {"vi": "Năm rà soát", "en": "Review year"},
    "geography": {"vi": "Địa bàn", "en": "Geography"},
    "level": {"vi": "Cấp", "en": "Level"},
    "level_commune": {"vi": "Xã, phường", "en": "Communes"},
    "level_district": {"vi": "Huyện", "en": "Districts"},
    "scheme": {"vi": "Cách phân lớp", "en": "Classification"},
    "classes": {"vi": "Số lớp", "en": "Classes"},
    "palette": {"vi": "Bảng màu", "en": "Palette"},
    "breaks": {"vi": "Ngưỡng phân lớp (cách nhau bởi dấu ;)",
               "en": "Class breaks (separated by ;)"},
    "search": {"vi": "Tìm đơn vị", "en": "Find a unit"},
    "search_none": {"vi": "(chọn đơn vị)", "en": "(choose a unit)"},
    "method": {"vi": "Phương pháp", "en": "Method"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "map_unit": {"vi": "Đơn vị", "en": "Unit"},
    "legend": {"vi": "Chú giải", "en": "Legend"},
    "rank": {"vi": "Hạng trong tỉnh", "en": "Rank in province"},
    "change": {"vi": "Thay đổi so với năm trước", "en": "Change since previous year"},
    "share_link": {"vi": "Liên kết chia sẻ", "en": "Shareable link"},
    "share_help": {"vi": "Địa chỉ trang hiện tại mở lại đúng góc nhìn này.",
                   "en": "The current page address reopens this view."},
    "ignored_params": {"vi": "Bỏ qua tham số không hợp lệ trong liên kết",
                       "en": "Ignored invalid link parameters"},
    "panel_hint": {"vi": "Bấm vào một đơn vị trên bản đồ hoặc tìm theo tên.",
                   "en": "Click a unit on the map or search by name."},
    "series": {"vi": "Diễn biến qua các năm", "en": "Over the years"},
    "indicators_table": {"vi": "Các chỉ tiêu", "en": "Indicators"},
    "parent": {"vi": "Trực thuộc", "en": "Part of"},
    "children": {"vi": "Đơn vị trực thuộc", "en": "Units within"},
    "drill_down": {"vi": "Xem các xã của huyện này", "en": "Show this district's communes"},
    "drill_up": {"vi": "Quay lại cấp huyện", "en": "Back to districts"},
    "close": {"vi": "Bỏ chọn", "en": "Clear selection"},
    "col_code": {"vi": "Mã", "en": "Code"},
    "col_name": {"vi": "Tên", "en": "Name"},
    "col_type": {"vi": "Loại", "en": "Type"},
    "col_parent": {"vi": "Trực thuộc", "en": "Parent"},
    "col_value": {"vi": "Giá trị", "en": "Value"},
    "col_previous": {"vi": "Năm trước", "en": "Previous year"},
    "col_change": {"vi": "Thay đổi", "en": "Change"},
    "col_rank": {"vi": "Hạng", "en": "Rank"},
    "col_year": {"vi": "Năm", "en": "Year"},
    "col_method": {"vi": "Cách tính", "en": "Method"},
    "col_indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "col_unit": {"vi": "Đơn vị tính", "en": "Unit"},
    "version": {"vi": "Phiên bản ranh giới", "en": "Boundary version"},
    "units_count": {"vi": "Số đơn vị", "en": "Units"},
    "on_date": {"vi": "Tại ngày", "en": "On date"},
    "download_csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "download_xlsx": {"vi": "Tải Excel (XLSX)", "en": "Download Excel (XLSX)"},
    "filter_name": {"vi": "Lọc theo tên", "en": "Filter by name"},
    "filter_min": {"vi": "Giá trị từ", "en": "Value from"},
    "rows_shown": {"vi": "Số dòng", "en": "Rows"},
    "province_figures": {"vi": "Số liệu toàn tỉnh", "en": "Province figures"},
    "vs_previous": {"vi": "so với năm trước", "en": "vs previous year"},
    "vs_baseline": {"vi": "so với đầu giai đoạn", "en": "vs phase baseline"},
    "plan_progress": {"vi": "Tiến độ giảm hộ nghèo A theo kế hoạch",
                      "en": "Progress in reducing poor-A households against the plan"},
    "on_track": {"vi": "Đạt tiến độ", "en": "On track"},
    "off_track": {"vi": "Chưa đạt tiến độ", "en": "Off track"},
    "top_rate": {"vi": "10 đơn vị có tỷ lệ cao nhất", "en": "Ten units with the highest rate"},
    "top_count": {"vi": "10 đơn vị có số hộ nhiều nhất",
                  "en": "Ten units with the most households"},
    "trend": {"vi": "Xu hướng toàn tỉnh", "en": "Province trend"},
    "households": {"vi": "hộ", "en": "households"},
    "col_households": {"vi": "Số hộ", "en": "Households"},
    "no_data": {"vi": "Không có dữ liệu", "en": "No data"},
    # progress (issue 10)
    "page_progress": {"vi": "Tiến độ mục tiêu", "en": "Target progress"},
    "page_tasks": {"vi": "Nhiệm vụ", "en": "Tasks"},
    "pg_phase": {"vi": "Giai đoạn", "en": "Phase"},
    "pg_geography": {"vi": "Địa bàn", "en": "Geography"},
    "pg_geo_as-collected": {"vi": "Theo đơn vị thu thập số liệu",
                            "en": "On the units of collection"},
    "pg_geo_current": {"vi": "Quy đổi về 95 xã, phường hiện nay",
                       "en": "Re-aggregated to today's 95 units"},
    "pg_baseline": {"vi": "Số gốc", "en": "Baseline"},
    "pg_latest": {"vi": "Mới nhất", "en": "Latest"},
    "pg_reduction": {"vi": "Đã giảm", "en": "Reduced"},
    "pg_due_now": {"vi": "Phải còn (theo lộ trình)", "en": "Due on the path"},
    "pg_target_end": {"vi": "Mục tiêu cuối giai đoạn", "en": "Phase-end target"},
    "pg_required": {"vi": "Cần giảm mỗi năm", "en": "Needed cut a year"},
    "pg_projection": {"vi": "Dự báo cuối giai đoạn (theo xu hướng)",
                      "en": "Projection at phase end (trend)"},
    "pg_status": {"vi": "Tình trạng", "en": "Status"},
    "pg_status_map": {"vi": "Bản đồ tình trạng thực hiện chỉ tiêu",
                      "en": "Map of target status"},
    "pg_outside": {"vi": "Màu xám nhạt: ngoài địa bàn của chỉ tiêu này.",
                   "en": "Light grey: outside this target's territory."},
    "pg_chart": {"vi": "Thực tế so với lộ trình mục tiêu", "en": "Actual against the target path"},
    "pg_actual": {"vi": "Thực tế", "en": "Actual"},
    "pg_path": {"vi": "Lộ trình mục tiêu", "en": "Target path"},
    "pg_band_fast": {"vi": "Giảm 20 %/năm", "en": "Down 20 % a year"},
    "pg_band_slow": {"vi": "Giảm 10 %/năm", "en": "Down 10 % a year"},
    "pg_band_note": {"vi": "Dải giảm bình quân mỗi năm theo kế hoạch (từ {lo} % đến {hi} %).",
                     "en": "The plan's average yearly cut (from {lo} % to {hi} %)."},
    "pg_units": {"vi": "Các đơn vị", "en": "Units"},
    "pg_latest_year": {"vi": "Năm mới nhất", "en": "Latest year"},
    "pg_target": {"vi": "Chỉ tiêu", "en": "Target"},
    "pg_completion": {"vi": "Mức độ hoàn thành chỉ tiêu giảm nghèo",
                      "en": "Completion of the poverty-reduction target"},
    "pg_completion_help": {
        "vi": "Dùng đánh giá mức độ hoàn thành nhiệm vụ của người đứng đầu (Kế hoạch 60/KH-UBND, "
              "mục III.2.a). Tỷ lệ hoàn thành = số hộ đã giảm / số hộ phải giảm theo lộ trình.",
        "en": "For assessing heads of localities (Plan 60/KH-UBND §III.2.a). Completion = "
              "households cut / households due to be cut on the path."},
    "pg_due": {"vi": "Phải còn", "en": "Due"},
    "pg_achieved": {"vi": "Thực tế", "en": "Achieved"},
    "pg_completion_pct": {"vi": "Tỷ lệ hoàn thành (%)", "en": "Completion (%)"},
    "pg_targets": {"vi": "Chỉ tiêu (dữ liệu, sửa được)", "en": "Targets (editable data)"},
    "pg_edit": {"vi": "Sửa chỉ tiêu", "en": "Edit a target"},
    "pg_reason": {"vi": "Lý do sửa (bắt buộc)", "en": "Reason (required)"},
    "pg_author": {"vi": "Người sửa", "en": "Author"},
    "pg_save": {"vi": "Lưu", "en": "Save"},
    "pg_saved": {"vi": "Đã lưu.", "en": "Saved."},
    "pg_history": {"vi": "Lịch sử sửa", "en": "Edit history"},
    "pg_enabled": {"vi": "Đang áp dụng", "en": "Enabled"},
    "pg_path_reading": {"vi": "Cách đọc lộ trình", "en": "Path reading"},
    "pg_reduction_pct": {"vi": "Mức giảm cả giai đoạn (%)", "en": "Phase reduction (%)"},
    "pg_baseline_year": {"vi": "Năm gốc (cuối năm)", "en": "Baseline year (end of)"},
    "pg_no_target": {"vi": "Chưa có chỉ tiêu nào đang áp dụng cho giai đoạn này.",
                     "en": "No enabled target for this phase."},
    "pg_next_deadline": {"vi": "Hạn báo cáo tiếp theo", "en": "Next reporting deadline"},
    "pg_days_left": {"vi": "còn {n} ngày", "en": "{n} days left"},
    "pg_data_in": {"vi": "Đã có số liệu rà soát năm {y}", "en": "The {y} review data are in"},
    "pg_data_missing": {"vi": "Chưa có số liệu rà soát năm {y}",
                        "en": "The {y} review data are not in yet"},
    "pg_overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "pg_overdue_only": {"vi": "Chỉ nhiệm vụ quá hạn", "en": "Overdue tasks only"},
    "pg_task": {"vi": "Nội dung công việc", "en": "Task"},
    "pg_group": {"vi": "Nhóm", "en": "Group"},
    "pg_lead": {"vi": "Cơ quan chủ trì", "en": "Lead agency"},
    "pg_partners": {"vi": "Cơ quan phối hợp", "en": "Coordinating agencies"},
    "pg_product": {"vi": "Sản phẩm", "en": "Product"},
    "pg_timeline": {"vi": "Thời gian thực hiện", "en": "Timeline"},
    "pg_next_due": {"vi": "Hạn tiếp theo", "en": "Next due"},
    "pg_last_update": {"vi": "Cập nhật gần nhất", "en": "Last update"},
    "pg_update": {"vi": "Cập nhật tiến độ nhiệm vụ", "en": "Update a task"},
    "pg_note": {"vi": "Ghi chú", "en": "Note"},
    "pg_date": {"vi": "Ngày", "en": "Date"},
    "pg_tasks_summary": {"vi": "{n} nhiệm vụ theo Phụ lục Kế hoạch 60/KH-UBND, {k} quá hạn.",
                         "en": "{n} tasks from the appendix of Plan 60/KH-UBND, {k} overdue."},
    "pg_agencies": {"vi": "Tên cơ quan hiện nay", "en": "Today's agency names"},
    "pg_agency": {"vi": "Cơ quan (như trong kế hoạch)", "en": "Agency (as in the plan)"},
    "pg_agency_now": {"vi": "Tên hiện nay", "en": "Today's name"},
    "pg_no_timeline": {"vi": "không ghi thời gian", "en": "no timeline given"},
    "pg_task_history": {"vi": "Lịch sử cập nhật", "en": "Update history"},
    "pg_updater": {"vi": "Người cập nhật", "en": "Updated by"},
    "pg_missing_units": {
        "vi": "Số liệu hộ nghèo A năm {y} thiếu {n} đơn vị nên không tính số toàn tỉnh: {codes}",
        "en": "Poor-A data for {y} lack {n} units, so there is no province figure: {codes}"},
    # zones (issue 11)
    "page_prioritise": {"vi": "Lọc & ưu tiên", "en": "Filter & prioritise"},
    "pr_filter": {"vi": "Bộ lọc", "en": "Filter"},
    "pr_filter_help": {
        "vi": "Các điều kiện cùng nhóm nối bằng HOẶC; các nhóm nối bằng VÀ. Tỷ lệ diện tích "
              "trong vùng tính từ 0 đến 1.",
        "en": "Conditions in the same group are joined by OR; groups are joined by AND. Area "
              "shares inside zones run from 0 to 1.",
    },
    "pr_group": {"vi": "Nhóm", "en": "Group"},
    "pr_criterion": {"vi": "Tiêu chí", "en": "Criterion"},
    "pr_op": {"vi": "Phép so sánh", "en": "Operator"},
    "pr_value": {"vi": "Giá trị", "en": "Value"},
    "pr_weights": {"vi": "Trọng số chỉ số ưu tiên", "en": "Priority-index weights"},
    "pr_weight": {"vi": "Trọng số", "en": "Weight"},
    "pr_reverse": {"vi": "Thấp hơn là ưu tiên", "en": "Lower is priority"},
    "pr_weights_help": {
        "vi": "Mỗi tiêu chí được chuẩn hoá 0–1 trên các đơn vị được lọc; điểm = tổng có trọng "
              "số chia tổng trọng số. Mặc định: analysis/data/priority_weights.toml.",
        "en": "Each criterion is scaled 0–1 over the selected units; score = weighted sum over "
              "the sum of weights. Defaults: analysis/data/priority_weights.toml.",
    },
    "pr_allocation": {"vi": "Phân bổ ngân sách", "en": "Budget allocation"},
    "pr_coefficients": {"vi": "Hệ số phân bổ", "en": "Allocation coefficients"},
    "zones_toggle": {"vi": "Hiện vùng quy hoạch, vùng DTTS",
                     "en": "Show planning and ethnic-minority zones"},
    "pr_budget": {"vi": "Tổng ngân sách (đồng)", "en": "Total budget (đồng)"},
    "pr_min": {"vi": "Tối thiểu mỗi đơn vị (đồng)", "en": "Minimum per unit (đồng)"},
    "pr_max": {"vi": "Tối đa mỗi đơn vị (đồng, 0 = không giới hạn)",
               "en": "Maximum per unit (đồng, 0 = none)"},
    "pr_coefficient": {"vi": "Hệ số", "en": "Coefficient"},
    "pr_allocation_help": {
        "vi": "Điểm = Σ hệ số × giá trị; chia theo điểm trong giới hạn tối thiểu/tối đa, làm "
              "tròn theo phần dư lớn nhất để tổng đúng bằng ngân sách. Mặc định: "
              "analysis/data/allocation_criteria.toml.",
        "en": "Points = Σ coefficient × value; shared by points within the minimum/maximum, "
              "rounded by largest remainder so the parts sum exactly to the budget. Defaults: "
              "analysis/data/allocation_criteria.toml.",
    },
    "pr_result": {"vi": "Kết quả", "en": "Result"},
    "pr_selected": {"vi": "đơn vị được lọc", "en": "units selected"},
    "pr_rank": {"vi": "Hạng", "en": "Rank"},
    "pr_code": {"vi": "Mã", "en": "Code"},
    "pr_name": {"vi": "Tên", "en": "Name"},
    "pr_score": {"vi": "Điểm ưu tiên", "en": "Score"},
    "pr_amount": {"vi": "Phân bổ (đồng)", "en": "Allocation (đồng)"},
    "pr_total": {"vi": "Tổng phân bổ", "en": "Total allocated"},
    "pr_download": {"vi": "Tải XLSX (lọc, xếp hạng, phân bổ)",
                    "en": "Download XLSX (selection, ranking, allocation)"},
    "pr_scenarios": {"vi": "Kịch bản", "en": "Scenarios"},
    "pr_scenario_name": {"vi": "Tên kịch bản", "en": "Scenario name"},
    "pr_author": {"vi": "Người lập", "en": "Author"},
    "pr_save": {"vi": "Lưu kịch bản", "en": "Save scenario"},
    "pr_saved": {"vi": "Đã lưu kịch bản", "en": "Scenario saved"},
    "pr_link": {"vi": "Liên kết mở lại", "en": "Link to reopen"},
    "pr_compare": {"vi": "So sánh hai kịch bản", "en": "Compare two scenarios"},
    "pr_opened": {"vi": "Đang mở kịch bản", "en": "Opened scenario"},
    "pr_no_units": {"vi": "Bộ lọc không chọn đơn vị nào.", "en": "The filter selects no unit."},
    "pr_year": {"vi": "Năm số liệu", "en": "Data year"},
    "pr_status_source": {
        "vi": "Trạng thái tiến độ: giai đoạn {phase}, quy đổi về đơn vị hiện nay, số liệu đến "
              "hết năm {year} (như trang Tiến độ mục tiêu). Lọc: status==behind (hoặc "
              "status==chậm); giá trị:",
        "en": "Progress status: phase {phase}, on today's units, reviews up to {year} (as on "
              "the Target progress page). Filter: status==behind (or status==chậm); values:",
    },
    "pr_no_zones": {
        "vi": "Chưa có lớp vùng. Nhập bằng `povmap zones import TỆP --type LOẠI` (hoặc "
              "`povmap demo`).",
        "en": "No zone layers yet. Import with `povmap zones import FILE --type TYPE` (or "
              "`povmap demo`).",
    },
    # exports (issue 12)
    "export_made_on": {"vi": "Lập ngày", "en": "Made on"},
    "export_no_import": {"vi": "Chưa có lần nhập số liệu nào", "en": "No data imported yet"},
    "export_imported": {"vi": "nhập", "en": "imported"},
    "export_boundaries": {"vi": "Ranh giới", "en": "Boundaries"},
    "export_units_col": {"vi": "Số đơn vị", "en": "Units"},
    "export_classes": {"vi": "lớp", "en": "classes"},
    "export_stamp_demo": {"vi": "DỮ LIỆU MINH HỌA — không phải số liệu chính thức",
                          "en": "DEMO DATA (Dữ liệu minh họa) — not official figures"},
    "export_stamp_approximate": {
        "vi": "RANH GIỚI GẦN ĐÚNG — hình dạng chỉ mang tính minh họa",
        "en": "APPROXIMATE BOUNDARIES (Ranh giới gần đúng) — shapes indicative only"},
    "deck_cover": {"vi": "Tình hình giảm nghèo bền vững cuối năm {year}",
                   "en": "Sustainable poverty reduction: end of {year}"},
    "deck_period": {"vi": "Giai đoạn", "en": "Period"},
    "deck_headline": {"vi": "Số liệu toàn tỉnh cuối năm {year}",
                      "en": "Province figures, end of {year}"},
    "deck_poverty_map": {"vi": "Bản đồ tỷ lệ hộ nghèo cuối năm {year}",
                         "en": "Poverty rate map, end of {year}"},
    "deck_progress_map": {"vi": "Bản đồ tiến độ giảm hộ nghèo A năm {year}",
                          "en": "Progress map: poor-A reduction, {year}"},
    "deck_target_chart": {"vi": "Hộ nghèo A toàn tỉnh so với mục tiêu kế hoạch",
                          "en": "Province poor-A households against the plan target"},
    "deck_off_track": {"vi": "Đơn vị chưa đạt tiến độ giảm hộ nghèo A năm {year}",
                       "en": "Units off track in reducing poor-A households, {year}"},
    "deck_zones": {"vi": "Vùng di dời, tái định cư", "en": "Zones and resettlement"},
    "deck_late_tasks": {"vi": "Nhiệm vụ chậm tiến độ của kế hoạch",
                        "en": "Late tasks of the plan"},
    "deck_not_available": {"vi": "Chưa có số liệu / Not available yet",
                           "en": "Not available yet (chưa có số liệu)"},
    "deck_headline_missing": {"vi": "Chưa có số liệu toàn tỉnh của năm này.",
                              "en": "No province figures for this year."},
    "deck_poverty_map_missing": {"vi": "Chưa vẽ được bản đồ.", "en": "The map could not be drawn."},
    "deck_progress_map_missing": {
        "vi": "Bản đồ tiến độ theo mục tiêu từng đơn vị chưa được tính trong hệ thống.",
        "en": "Per-unit progress against targets is not computed in the system yet."},
    "deck_target_chart_missing": {
        "vi": "Chưa có số liệu năm gốc hoặc mục tiêu của giai đoạn.",
        "en": "No baseline or phase target available."},
    "deck_off_track_missing": {
        "vi": "Chưa đánh giá được tiến độ từng đơn vị (thiếu năm gốc hoặc mục tiêu).",
        "en": "Per-unit progress cannot be judged yet (no baseline or target)."},
    "deck_off_track_none": {"vi": "Mọi đơn vị đều đạt tiến độ.", "en": "Every unit is on track."},
    "deck_zones_missing": {
        "vi": "Chưa có dữ liệu vùng di dời, tái định cư (lớp vùng chưa được nhập).",
        "en": "No zone or resettlement data (the zones layer is not loaded yet)."},
    "deck_zones_none": {"vi": "Không có vùng nào.", "en": "No zones."},
    "deck_late_tasks_missing": {
        "vi": "Chưa có dữ liệu theo dõi nhiệm vụ (bảng nhiệm vụ chưa được nhập).",
        "en": "No task tracker data (the task list is not loaded yet)."},
    "deck_late_tasks_none": {"vi": "Không có nhiệm vụ nào chậm tiến độ.",
                             "en": "No task is late."},
    "deck_more_rows": {"vi": "Còn {n} dòng nữa không hiện trên trang này.",
                       "en": "{n} more rows not shown on this slide."},
    "deck_actual": {"vi": "Thực tế (hộ)", "en": "Actual (households)"},
    "deck_target": {"vi": "Mục tiêu theo kế hoạch (hộ)", "en": "Plan target (households)"},
    "deck_yes": {"vi": "Có", "en": "Yes"},
    "deck_no": {"vi": "Không", "en": "No"},
    "deck_units_missing": {"vi": "{n}/{total} đơn vị chưa có số liệu: tổng toàn tỉnh thiếu các "
                                 "đơn vị này.",
                           "en": "{n} of {total} units have no data: province totals leave "
                                 "them out."},
    "deck_target_note": {
        "vi": "Mục tiêu giai đoạn {phase}: giảm {pct} % hộ nghèo A so với cuối năm {base} "
              "(Kế hoạch 60/KH-UBND); đường mục tiêu tuyến tính theo năm.",
        "en": "Phase {phase} target: {pct} % fewer poor-A households than at the end of "
              "{base} (Plan 60/KH-UBND); linear path by year."},
    "deck_col_baseline": {"vi": "Hộ nghèo A năm gốc", "en": "Poor A, baseline"},
    "deck_col_current": {"vi": "Hộ nghèo A hiện nay", "en": "Poor A, now"},
    "deck_col_reduction": {"vi": "Đã giảm (%)", "en": "Reduced (%)"},
    "deck_col_required": {"vi": "Yêu cầu (%)", "en": "Required (%)"},
    "deck_off_track_note": {"vi": "{n}/{total} đơn vị chưa đạt tiến độ (quy đổi về 95 xã, "
                                  "phường hiện nay).",
                            "en": "{n} of {total} units off track (re-aggregated to today's "
                                  "95 units)."},
    "export_registry": {"vi": "danh mục đơn vị hành chính", "en": "unit registry"},
    "export_locator": {"vi": "Vị trí khung bản đồ trong tỉnh",
                       "en": "Map frame within the province"},
    "export_stamp_older": {"vi": "Không phải năm mới nhất: đã có số liệu năm {latest}",
                           "en": "Not the latest year: {latest} data exist"},
    "deck_progress_subtitle": {
        "vi": "Đồng Nai · 95 xã, phường hiện nay · giảm hộ nghèo A từ cuối năm {base} đến "
              "cuối năm {year} so với lộ trình kế hoạch",
        "en": "Đồng Nai · today's 95 units · poor-A reduction from end {base} to end {year} "
              "against the plan's path"},
    "deck_progress_method": {
        "vi": "Đạt tiến độ: số hộ nghèo A giảm so với cuối năm {base} ít nhất {req} % (lộ "
              "trình tuyến tính đến mục tiêu giai đoạn, Kế hoạch 60/KH-UBND); số liệu quy đổi "
              "về 95 xã, phường hiện nay. {n}/{total} đơn vị chưa đạt tiến độ.",
        "en": "On track: poor-A households down by at least {req} % since the end of {base} "
              "(linear path to the phase target, Plan 60/KH-UBND); data re-aggregated to "
              "today's 95 units. {n} of {total} units off track."},
    "deck_col_due": {"vi": "Phải đạt (lộ trình)", "en": "Due on the path"},
    "deck_col_status": {"vi": "Tình trạng", "en": "Status"},
    "deck_col_task": {"vi": "Nhiệm vụ", "en": "Task"},
    "deck_col_overdue_since": {"vi": "Quá hạn từ", "en": "Overdue since"},
    "deck_col_lead": {"vi": "Cơ quan chủ trì", "en": "Lead agency"},
    "deck_engine_off_track_note": {
        "vi": "{n}/{total} đơn vị chậm hoặc không đạt so với lộ trình từ cuối năm {base} "
              "(chỉ tiêu đang áp dụng, trang Tiến độ mục tiêu).",
        "en": "{n} of {total} units behind or missing the path from the end of {base} "
              "(targets in force, Target progress page)."},
    "deck_late_tasks_note": {"vi": "{n}/{total} nhiệm vụ quá hạn (trang Nhiệm vụ).",
                             "en": "{n} of {total} tasks overdue (Tasks page)."},
    "deck_col_zone_type": {"vi": "Loại vùng", "en": "Zone type"},
    "deck_col_zone_units": {"vi": "Số xã, phường có vùng", "en": "Units with zones"},
    "deck_col_zone_area": {"vi": "Diện tích trong tỉnh (ha)", "en": "Area in province (ha)"},
    "deck_col_zone_households": {"vi": "Số hộ trong vùng", "en": "Households inside"},
    "deck_col_zone_relocate": {"vi": "Số hộ cần di dời", "en": "Households to relocate"},
    "deck_zones_note": {"vi": "{n} vùng đã nhập; số hộ theo lớp vùng, phân bổ cho xã, phường "
                              "theo diện tích (trang Lọc & ưu tiên).",
                        "en": "{n} zones loaded; households from the zone layers, shared "
                              "out to units by area (Filter & prioritise page)."},
    "export_button_png": {"vi": "Bản đồ in (PNG)", "en": "Print map (PNG)"},
    "export_button_pdf": {"vi": "Bản đồ in (PDF)", "en": "Print map (PDF)"},
    "export_button_report": {"vi": "Báo cáo cuối năm (XLSX)", "en": "Year-end report (XLSX)"},
    "export_button_deck": {"vi": "Trình chiếu cho cuộc họp (PPTX)",
                           "en": "Meeting slides (PPTX)"},
}


def t(key: str, lang: str = "vi") -> str:
    """The text for ``key`` in ``lang`` (falls back to Vietnamese)."""
    entry = TEXT[key]
    return entry.get(lang, entry["vi"])


def format_number(value: float | None, lang: str = "vi", decimals: int = 0) -> str:
    """Vietnamese ``1.234,5``; English ``1,234.5``; missing → ``—``.

    >>> format_number(1234.5, "vi", 1), format_number(1234.5, "en", 1)
    ('1.234,5', '1,234.5')
    >>> format_number(-3, "vi"), format_number(float("nan"))
    ('−3', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text.replace("-", "−")


#: Decimals of a value of each indicator kind: whole households, rates to 0,01 %.
DECIMALS: dict[Kind, int] = {"count": 0, "rate": 2, "share": 2}


def exact_decimals(values: Iterable[float], most: int = 3) -> int:
    """Fewest decimals (at most ``most``) that write every one of ``values`` exactly.

    >>> exact_decimals((0.5, 2.25, 10.0)), exact_decimals((1.0, 5.0)), exact_decimals([1 / 3])
    (2, 0, 3)
    """
    numbers = [float(v) for v in values]
    for places in range(most):
        if all(abs(v * 10**places - round(v * 10**places)) < 1e-6 for v in numbers):
            return places
    return most


def decimals_of(indicator: str | Indicator) -> int:
    """Decimals shown for values of ``indicator`` (a key or an :class:`Indicator`).

    >>> decimals_of("poor_a"), decimals_of("poor_a_rate")
    (0, 2)
    """
    return DECIMALS[_resolve(indicator).kind]


def _resolve(indicator: str | Indicator) -> Indicator:
    return indicator if isinstance(indicator, Indicator) else get_indicator(indicator)


def _unit(ind: Indicator, lang: str) -> str:
    return ind.unit_en if lang == "en" else ind.unit_vi


def format_value(value: float | None, indicator: str | Indicator, lang: str = "vi") -> str:
    """A value with its unit, written as the indicator's kind says.

    Rates and shares with 2 decimals and "%", counts whole with "hộ"/"households".

    >>> format_value(0.4123, "poor_rate"), format_value(3718, "poor", "en")
    ('0,41 %', '3,718 households')
    """
    ind = _resolve(indicator)
    return f"{format_number(value, lang, decimals_of(ind))} {_unit(ind, lang)}"


def format_change(value: float | None, indicator: str | Indicator, lang: str = "vi") -> str:
    """A signed change: percentage points for rates and shares, else the unit.

    >>> format_change(1.2, "poor_rate"), format_change(-12, "poor"), format_change(None, "poor")
    ('+1,20 điểm %', '−12 hộ', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    ind = _resolve(indicator)
    sign = "+" if value > 0 else ""
    unit = _unit(ind, lang) if ind.kind == "count" else ("điểm %" if lang == "vi" else "pts")
    return f"{sign}{format_number(value, lang, decimals_of(ind))} {unit}"
